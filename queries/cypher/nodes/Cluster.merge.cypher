// Load Cluster nodes into a generation again: merge each by (generation, key `id`), then set its properties.
//
// Idempotent: a second run with the same rows leaves the graph as it was. chainkg runs
// it for a chunk of nodes/Cluster.load that hit the uniqueness constraint (the driver
// retried a chunk whose commit had succeeded). Same parameters as nodes/Cluster.load;
// the uniqueness constraint on (_generation, id) makes the MERGE an index seek.
//
// Parameters:
//   $keys     list of the nodes' keys (`id`), one per row
//          e.g. ['cl-demo']
//   $columns  map of property name to a list of values, one per row, including
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. {name: ['…'], aliases: [['甲材料', '甲公司']], tier: ['…'], source: ['mini'], as_of: [date('2026-01-01')], _row: [0]}
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of rows merged, and ids, the nodes' element ids in the order of
// $keys.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND range(0, size($keys) - 1) AS i
MERGE (n:Cluster {_generation: $generation, id: $keys[i]})
SET n.name = $columns.name[i],
    n.aliases = $columns.aliases[i],
    n.tier = $columns.tier[i],
    n.target_scale_yi = $columns.target_scale_yi[i],
    n.target_year = $columns.target_year[i],
    n.region = $columns.region[i],
    n.representative_fields = $columns.representative_fields[i],
    n.description = $columns.description[i],
    n.source = $columns.source[i],
    n.as_of = $columns.as_of[i],
    n.verified = $columns.verified[i],
    n._row = $columns._row[i]
RETURN count(n) AS merged, collect(elementId(n)) AS ids
