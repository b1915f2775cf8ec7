// Load PARK_LOCATED_IN relationships from Park to Region: match both ends by key, merge the relationship.
//
// The region the park lies in.
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Park's id, to the Region's code
//          e.g. [{from: 'k1', to: '320400', props: {source: '…', as_of: date('2026-01-01'), verified: true, _row: 0}}]
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Park {id: row.from})
MATCH (b:Region {code: row.to})
MERGE (a)-[r:PARK_LOCATED_IN]->(b)
SET r += row.props
RETURN count(r) AS merged
