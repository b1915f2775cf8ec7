// Delete the chunk markers of a generation once it is loaded and current.
//
// A load's relationship chunks each create a :ChainkgBuild marker (id
// '<generation>/<statement>/<first row>', see relationships/*.load) so that a chunk the
// driver replays after its commit is recognised; once the generation is switched to, no
// chunk of it is sent again and the markers go (build/forget deletes them too, for a
// load that was interrupted).
//
// Parameters:
//   $generation  the generation, e.g. 'g1'
// Returns: markers, the number of markers deleted.
MATCH (marker:ChainkgBuild {_generation: $generation})
WHERE marker.id <> $generation
DETACH DELETE marker
RETURN count(marker) AS markers
