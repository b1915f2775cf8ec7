// Load PROJECT_LOCATED_IN relationships from Project to Region: match both ends by key in the generation, merge the relationship.
//
// The region the project is built in.
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Project's id, to the Region's code
//          e.g. [{from: 'k1', to: '320400', props: {source: '…', as_of: date('2026-01-01'), verified: true, _row: 0}}]
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Project {_generation: $generation, id: row.from})
MATCH (b:Region {_generation: $generation, code: row.to})
MERGE (a)-[r:PROJECT_LOCATED_IN]->(b)
SET r += row.props
RETURN count(r) AS merged
