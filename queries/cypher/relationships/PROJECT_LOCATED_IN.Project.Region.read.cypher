// Read the PROJECT_LOCATED_IN table, Project → Region: every such relationship with the properties asked for.
//
// Parameters:
//   $columns  list of property names, e.g. ['source', 'as_of']
// Returns: one row per relationship: row (_row), from_key (the Project's id),
//          to_key (the Region's code) and values (in the order of $columns), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (a:Project)-[r:PROJECT_LOCATED_IN]->(b:Region)
RETURN r._row AS row, a.id AS from_key, b.code AS to_key, [property IN $columns | r[property]] AS values
ORDER BY row, from_key, to_key
