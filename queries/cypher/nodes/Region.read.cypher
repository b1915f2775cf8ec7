// Read the Region table: every Region node of a generation with the properties asked for.
//
// Parameters:
//   $columns  list of property names, e.g. ['code', 'name', 'source', 'as_of']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per node: row (its _row), key (code) and values (the
//          properties in the order of $columns, null where absent), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Region)
WHERE n._generation = $generation AND n.code IS NOT NULL
RETURN n._row AS row, n.code AS key, [property IN $columns | n[property]] AS values
ORDER BY row, key
