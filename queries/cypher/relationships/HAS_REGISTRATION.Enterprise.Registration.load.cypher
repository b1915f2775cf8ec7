// Load HAS_REGISTRATION relationships from Enterprise to Registration: match both ends by key, merge the relationship.
//
// A dataset's registration record of the enterprise.
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Enterprise's id, to the Registration's id
//          e.g. [{from: 'e-a', to: 'k1', props: {source: '…', as_of: date('2026-01-01'), verified: true, _row: 0}}]
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Enterprise {id: row.from})
MATCH (b:Registration {id: row.to})
MERGE (a)-[r:HAS_REGISTRATION]->(b)
SET r += row.props
RETURN count(r) AS merged
