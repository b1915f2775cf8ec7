// The PARK_LOCATED_IN relationships, Park → Region, whose end (Region) is one of the keys asked for.
//
// Anchored on those Region nodes (an index seek per key), so it reads only their
// relationships, not the whole type: `chainkg show` and the lookups of the analyses.
//
// Parameters:
//   $keys     list of the Regions' codes, e.g. ['320400']
//   $columns  list of property names, e.g. ['source', 'as_of']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per relationship: row (_row), from_key (the Park's id),
//          to_key (the Region's code) and values (in the order of $columns), in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (b:Region)
WHERE b._generation = $generation AND b.code IN $keys
MATCH (a:Park)-[r:PARK_LOCATED_IN]->(b:Region)
RETURN r._row AS row, a.id AS from_key, b.code AS to_key, [property IN $columns | r[property]] AS values
ORDER BY row, from_key, to_key
