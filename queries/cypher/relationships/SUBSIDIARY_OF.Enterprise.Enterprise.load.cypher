// Load SUBSIDIARY_OF relationships from Enterprise to Enterprise: match both ends by key in the generation, merge the relationship.
//
// The enterprise is a subsidiary (子公司, 控股或全资) of the other, directly or through the group: a local subsidiary is local presence of its group (docs/gaps.md).
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Enterprise's id, to the Enterprise's id
//          e.g. [{from: 'e-a', to: 'e-a', props: {as_written: '…', evidence: '…', source: '…', as_of: date('2026-01-01'), _row: 0}}]
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Enterprise {_generation: $generation, id: row.from})
MATCH (b:Enterprise {_generation: $generation, id: row.to})
MERGE (a)-[r:SUBSIDIARY_OF]->(b)
SET r += row.props
RETURN count(r) AS merged
