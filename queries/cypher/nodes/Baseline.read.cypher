// Read the Baseline table: every Baseline node of a generation with the properties asked for.
//
// Parameters:
//   $columns  list of property names, e.g. ['id', 'name', 'source', 'as_of']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per node: row (its _row), key (id) and values (the
//          properties in the order of $columns, null where absent), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Baseline)
WHERE n._generation = $generation AND n.id IS NOT NULL
RETURN n._row AS row, n.id AS key, [property IN $columns | n[property]] AS values
ORDER BY row, key
