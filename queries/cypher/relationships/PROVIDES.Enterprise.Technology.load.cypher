// Load PROVIDES relationships from Enterprise to Technology: match both ends by key in the generation, merge the relationship.
//
// A company or a country provides the input, with its market share when known.
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Enterprise's id, to the Technology's id
//          e.g. [{from: 'e-a', to: 't-ctl', props: {share: 12.5, year: 2022, source: '…', as_of: date('2026-01-01'), _row: 0}}]
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Enterprise {_generation: $generation, id: row.from})
MATCH (b:Technology {_generation: $generation, id: row.to})
MERGE (a)-[r:PROVIDES]->(b)
SET r += row.props
RETURN count(r) AS merged
