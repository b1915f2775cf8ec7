// Load KEY_ENTERPRISE_OF relationships from Enterprise to Chain: match both ends by key, merge the relationship.
//
// A leading or backbone enterprise of the chain (龙头骨干企业), named for the chain itself; distinct from a cluster's ANCHORS and from the chain's leader (LEADS, 链主).
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Enterprise's id, to the Chain's id
//          e.g. [{from: 'e-a', to: 'ch-demo', props: {role: '…', as_written: '…', evidence: '…', source: 'mini', as_of: date('2026-01-01'), _row: 0}}]
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Enterprise {id: row.from})
MATCH (b:Chain {id: row.to})
MERGE (a)-[r:KEY_ENTERPRISE_OF]->(b)
SET r += row.props
RETURN count(r) AS merged
