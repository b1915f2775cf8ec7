// Load Baseline nodes into a generation: merge each by (generation, key `id`), then set its properties.
//
// Idempotent: a second run with the same rows leaves the graph as it was (a chunk the
// driver retries after a lost answer changes nothing). Properties sent as null are
// left out. Run schema/constraints first: the uniqueness constraint on
// (_generation, id) makes the MERGE an index seek.
//
// Parameters:
//   $rows  list of maps {key, props}, one per node; props holds the properties and
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. [{key: 'k1', props: {name: '…', segment: '…', industry_code: '…', source: 'mini', as_of: date('2026-01-01'), _row: 0}}]
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of rows merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MERGE (n:Baseline {_generation: $generation, id: row.key})
SET n += row.props
RETURN count(n) AS merged
