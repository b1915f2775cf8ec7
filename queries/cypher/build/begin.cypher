// Start a generation: its build record, written before any of its nodes.
//
// The record says which build the generation holds and that it is still loading
// (state 'loading'); build/switch marks it complete. A generation whose record still
// says 'loading' after its load ended was interrupted: the next load deletes it.
//
// Parameters:
//   $generation  the new generation's id, e.g. 'g1'
//   $props       map of the build's properties, e.g. {digest: '3f2a…', as_of: date('2026-01-01'),
//                data: ['data'], schema_version: 1, tables: ['nodes/Region', 'edges/WITHIN'],
//                count_names: ['nodes/Region', 'edges/WITHIN'], count_values: [5, 4]}
//                (count_names/count_values: the rows of every table of the schema that the load
//                writes; the load switches to the generation only once each chunk wrote them all,
//                so readers take their counts from here instead of counting a whole graph)
// Returns: generation.
MERGE (b:ChainkgBuild {id: $generation})
SET b += $props, b._generation = $generation, b.state = 'loading', b.started_at = datetime()
RETURN b.id AS generation
