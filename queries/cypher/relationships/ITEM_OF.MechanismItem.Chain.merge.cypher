// Load ITEM_OF relationships from MechanismItem to Chain into a generation again: match both ends by key, merge the relationship.
//
// The statement is about this chain's working mechanism.
// Idempotent: a second run with the same rows leaves the graph as it was. chainkg runs it
// for a chunk of relationships/ITEM_OF.MechanismItem.Chain.load that met its marker (the driver
// retried a chunk whose commit had succeeded). Same parameters as the load (without
// $chunk); every property set by name (no Eager step in the plan). A row whose end is
// missing merges nothing. Each end is found by the index of its label's uniqueness
// constraint on (_generation, key).
//
// Parameters:
//   $from     list of the MechanismItems' id, one per row, e.g. ['k1']
//   $to       list of the Chains' id, one per row, e.g. ['ch-demo']
//   $columns  map of property name to a list of values, one per row, including
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. {source: ['…'], as_of: [date('2026-01-01')], verified: [true], _row: [0]}
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND range(0, size($from) - 1) AS i
MATCH (a:MechanismItem {_generation: $generation, id: $from[i]})
MATCH (b:Chain {_generation: $generation, id: $to[i]})
MERGE (a)-[r:ITEM_OF]->(b)
SET r.source = $columns.source[i],
    r.as_of = $columns.as_of[i],
    r.verified = $columns.verified[i],
    r._row = $columns._row[i]
RETURN count(r) AS merged
