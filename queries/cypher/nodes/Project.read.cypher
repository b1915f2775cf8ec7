// Read the Project table: every Project node with the properties asked for.
//
// Parameters:
//   $columns  list of property names, e.g. ['id', 'name', 'source', 'as_of']
// Returns: one row per node: row (its _row), key (id) and values (the
//          properties in the order of $columns, null where absent), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Project)
RETURN n._row AS row, n.id AS key, [property IN $columns | n[property]] AS values
ORDER BY row, key
