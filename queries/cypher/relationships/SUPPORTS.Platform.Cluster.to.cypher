// The SUPPORTS relationships, Platform → Cluster, whose end (Cluster) is one of the keys asked for.
//
// Anchored on those Cluster nodes (an index seek per key), so it reads only their
// relationships, not the whole type: `chainkg show` and the lookups of the analyses.
//
// Parameters:
//   $keys     list of the Clusters' ids, e.g. ['cl-demo']
//   $columns  list of property names, e.g. ['source', 'as_of']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per relationship: row (_row), from_key (the Platform's id),
//          to_key (the Cluster's id) and values (in the order of $columns), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (b:Cluster)
WHERE b._generation = $generation AND b.id IN $keys
MATCH (a:Platform)-[r:SUPPORTS]->(b:Cluster)
RETURN r._row AS row, a.id AS from_key, b.id AS to_key, [property IN $columns | r[property]] AS values
ORDER BY row, from_key, to_key
