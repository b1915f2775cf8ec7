// Record which build was loaded: its content digest, as_of date and data folders.
//
// The one (:ChainkgBuild {id: 'current'}) node is what `chainkg --store neo4j stats`
// shows as the graph's digest and as_of; a load writes it last, so it only says a
// build is loaded once every node and relationship is in.
//
// Parameters:
//   $props  map of the build's properties,
//           e.g. {digest: '3f2a…', as_of: date('2026-01-01'), data: ['data'], schema_version: 1}
// Returns: nothing.
MERGE (b:ChainkgBuild {id: 'current'})
SET b += $props, b.loaded_at = datetime()
