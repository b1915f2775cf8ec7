// The Baseline nodes with the keys asked for, with the properties asked for (one index seek per key).
//
// Parameters:
//   $keys     list of ids, e.g. ['k1']
//   $columns  list of property names, e.g. ['id', 'name', 'source']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per node found: row (_row), key and values (the properties in the
//          order of $columns, null where absent), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Baseline)
WHERE n._generation = $generation AND n.id IN $keys
RETURN n._row AS row, n.id AS key, [property IN $columns | n[property]] AS values
ORDER BY row, key
