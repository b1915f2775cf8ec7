// The FOCUSES_ON relationships, Park → Chain, whose start (Park) is one of the keys asked for.
//
// Anchored on those Park nodes (an index seek per key), so it reads only their
// relationships, not the whole type: `chainkg show` and the lookups of the analyses.
//
// Parameters:
//   $keys     list of the Parks' ids, e.g. ['k1']
//   $columns  list of property names, e.g. ['source', 'as_of']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per relationship: row (_row), from_key (the Park's id),
//          to_key (the Chain's id) and values (in the order of $columns), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (a:Park)
WHERE a._generation = $generation AND a.id IN $keys
MATCH (a:Park)-[r:FOCUSES_ON]->(b:Chain)
RETURN r._row AS row, a.id AS from_key, b.id AS to_key, [property IN $columns | r[property]] AS values
ORDER BY row, from_key, to_key
