// Read the SERVES table, Platform → Chain: every such relationship with the properties asked for.
//
// Parameters:
//   $columns  list of property names, e.g. ['source', 'as_of']
// Returns: one row per relationship: row (_row), from_key (the Platform's id),
//          to_key (the Chain's id) and values (in the order of $columns), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (a:Platform)-[r:SERVES]->(b:Chain)
RETURN r._row AS row, a.id AS from_key, b.id AS to_key, [property IN $columns | r[property]] AS values
ORDER BY row, from_key, to_key
