// Load SUBTYPE_OF relationships from Technology to Technology: match both ends by key in the generation, merge the relationship.
//
// The node is a kind of the other (e.g. EUV lithography tools → lithography tools).
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Technology's id, to the Technology's id
//          e.g. [{from: 't-ctl', to: 't-ctl', props: {source: '…', as_of: date('2026-01-01'), verified: true, _row: 0}}]
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Technology {_generation: $generation, id: row.from})
MATCH (b:Technology {_generation: $generation, id: row.to})
MERGE (a)-[r:SUBTYPE_OF]->(b)
SET r += row.props
RETURN count(r) AS merged
