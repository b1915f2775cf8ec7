// Read the IN_CLUSTER table, Chain → Cluster: every such relationship of a generation with the properties asked for.
//
// Parameters:
//   $columns  list of property names, e.g. ['source', 'as_of']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per relationship: row (_row), from_key (the Chain's id),
//          to_key (the Cluster's id) and values (in the order of $columns), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (a:Chain)
WHERE a._generation = $generation AND a.id IS NOT NULL
MATCH (a)-[r:IN_CLUSTER]->(b:Cluster)
RETURN r._row AS row, a.id AS from_key, b.id AS to_key, [property IN $columns | r[property]] AS values
ORDER BY row, from_key, to_key
