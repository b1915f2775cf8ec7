// Delete a generation's build record and its chunk markers, once its nodes are deleted.
//
// The markers are the :ChainkgBuild nodes a load's relationship chunks create (id
// '<generation>/<statement>/<first row>', see relationships/*.load); a load that was
// interrupted leaves them with its nodes.
//
// Parameters:
//   $generation  the generation, e.g. 'g1'
// Returns: deleted (1 when the record was there, else 0).
OPTIONAL MATCH (b:ChainkgBuild {id: $generation, _generation: $generation})
DETACH DELETE b
WITH count(b) AS deleted
OPTIONAL MATCH (marker:ChainkgBuild {_generation: $generation})
WHERE marker.id <> $generation
DETACH DELETE marker
RETURN deleted, count(marker) AS markers
