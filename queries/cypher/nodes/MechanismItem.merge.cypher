// Load MechanismItem nodes into a generation again: merge each by (generation, key `id`), then set its properties.
//
// Idempotent: a second run with the same rows leaves the graph as it was. chainkg runs
// it for a chunk of nodes/MechanismItem.load that hit the uniqueness constraint (the driver
// retried a chunk whose commit had succeeded). Same parameters as nodes/MechanismItem.load;
// the uniqueness constraint on (_generation, id) makes the MERGE an index seek.
//
// Parameters:
//   $keys     list of the nodes' keys (`id`), one per row
//          e.g. ['k1']
//   $columns  map of property name to a list of values, one per row, including
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. {item: ['…'], quote: ['…'], status: ['…'], source: ['mini'], as_of: [date('2026-01-01')], _row: [0]}
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of rows merged, and ids, the nodes' element ids in the order of
// $keys.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND range(0, size($keys) - 1) AS i
MERGE (n:MechanismItem {_generation: $generation, id: $keys[i]})
SET n.item = $columns.item[i],
    n.quote = $columns.quote[i],
    n.status = $columns.status[i],
    n.scope = $columns.scope[i],
    n.source = $columns.source[i],
    n.as_of = $columns.as_of[i],
    n.verified = $columns.verified[i],
    n._row = $columns._row[i]
RETURN count(n) AS merged, collect(elementId(n)) AS ids
