// The chunk markers of a generation: which relationship chunks of a load are in the database.
//
// Each relationship chunk creates its :ChainkgBuild marker in the same transaction as its
// relationships (see relationships/*.load), so a marker is there exactly when its chunk's
// transaction committed. The load asks once every chunk has been acknowledged, before the
// switch: a chunk acknowledged but not there (a server that went away between a chunk's
// statement and its commit has answered a commit it never made) is sent again.
//
// Parameters:
//   $generation  the generation being loaded, e.g. 'g1'
// Returns: one row per marker: id (e.g. 'g1/relationships/SUPPLIES.Enterprise.Enterprise.load/0').
MATCH (marker:ChainkgBuild {_generation: $generation})
WHERE marker.id <> $generation
RETURN marker.id AS id
ORDER BY id
