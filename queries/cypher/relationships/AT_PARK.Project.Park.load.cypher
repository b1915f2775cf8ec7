// Load AT_PARK relationships from Project to Park: match both ends by key, merge the relationship.
//
// The project is built in the park.
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Project's id, to the Park's id
//          e.g. [{from: 'k1', to: 'k1', props: {evidence: '…', source: '…', as_of: date('2026-01-01'), _row: 0}}]
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Project {id: row.from})
MATCH (b:Park {id: row.to})
MERGE (a)-[r:AT_PARK]->(b)
SET r += row.props
RETURN count(r) AS merged
