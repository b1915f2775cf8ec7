// Load OPERATES_IN relationships from Enterprise to Segment: match both ends by key, merge the relationship.
//
// The enterprise makes the segment's products (main products).
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Enterprise's id, to the Segment's id
//          e.g. [{from: 'e-a', to: 's-mat', props: {products: '…', main: true, confidence: 12.5, source: 'mini', as_of: date('2026-01-01'), _row: 0}}]
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Enterprise {id: row.from})
MATCH (b:Segment {id: row.to})
MERGE (a)-[r:OPERATES_IN]->(b)
SET r += row.props
RETURN count(r) AS merged
