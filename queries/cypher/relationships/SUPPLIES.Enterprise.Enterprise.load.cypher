// Load SUPPLIES relationships from Enterprise to Enterprise: match both ends by key in the generation, merge the relationship.
//
// Supplier → customer.
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
// The relationship is identified by its endpoints and product: several
// SUPPLIES may join the same two nodes when they differ there.
//
// Parameters:
//   $rows  list of maps {from, to, product, props}: from is the Enterprise's id, to the Enterprise's id
//          e.g. [{from: 'e-a', to: 'e-a', product: '…', props: {year: 2022, share: 12.5, source: '…', as_of: date('2026-01-01'), _row: 0}}]
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Enterprise {_generation: $generation, id: row.from})
MATCH (b:Enterprise {_generation: $generation, id: row.to})
MERGE (a)-[r:SUPPLIES {product: row.product}]->(b)
SET r += row.props
RETURN count(r) AS merged
