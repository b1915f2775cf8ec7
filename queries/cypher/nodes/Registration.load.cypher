// Load Registration nodes: merge each by its key `id`, then set its properties.
//
// Idempotent: a second run with the same rows leaves the graph as it was. Properties
// sent as null are removed, so a reload also clears values that became empty. Run
// schema/constraints first: the uniqueness constraint makes the MERGE an index seek.
//
// Parameters:
//   $rows  list of maps {key, props}, one per node; props holds the properties and
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. [{key: 'k1', props: {name: '…', uscc: '…', registered_capital_wan: 12.5, source: 'mini', as_of: date('2026-01-01'), _row: 0}}]
// Returns: merged, the number of rows merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MERGE (n:Registration {id: row.key})
SET n += row.props
RETURN count(n) AS merged
