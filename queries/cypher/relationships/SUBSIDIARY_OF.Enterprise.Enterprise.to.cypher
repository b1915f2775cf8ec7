// The SUBSIDIARY_OF relationships, Enterprise → Enterprise, whose end (Enterprise) is one of the keys asked for.
//
// Anchored on those Enterprise nodes (an index seek per key), so it reads only their
// relationships, not the whole type: `chainkg show` and the lookups of the analyses.
//
// Parameters:
//   $keys     list of the Enterprises' ids, e.g. ['e-a']
//   $columns  list of property names, e.g. ['source', 'as_of']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per relationship: row (_row), from_key (the Enterprise's id),
//          to_key (the Enterprise's id) and values (in the order of $columns), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (b:Enterprise)
WHERE b._generation = $generation AND b.id IN $keys
MATCH (a:Enterprise)-[r:SUBSIDIARY_OF]->(b:Enterprise)
RETURN r._row AS row, a.id AS from_key, b.id AS to_key, [property IN $columns | r[property]] AS values
ORDER BY row, from_key, to_key
