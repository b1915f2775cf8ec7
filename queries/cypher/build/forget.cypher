// Delete a generation's build record, once its nodes are deleted.
//
// Parameters:
//   $generation  the generation, e.g. 'g1'
// Returns: deleted (1 when the record was there, else 0).
OPTIONAL MATCH (b:ChainkgBuild {id: $generation, _generation: $generation})
DETACH DELETE b
RETURN count(b) AS deleted
