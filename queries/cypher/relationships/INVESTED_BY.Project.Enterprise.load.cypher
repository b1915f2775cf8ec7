// Load INVESTED_BY relationships from Project to Enterprise: match both ends by key, merge the relationship.
//
// The enterprise invests in (builds) the project.
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Project's id, to the Enterprise's id
//          e.g. [{from: 'k1', to: 'e-a', props: {evidence: '…', source: '…', as_of: date('2026-01-01'), _row: 0}}]
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Project {id: row.from})
MATCH (b:Enterprise {id: row.to})
MERGE (a)-[r:INVESTED_BY]->(b)
SET r += row.props
RETURN count(r) AS merged
