// One Baseline node and its neighbourhood: every relationship around it, per type and direction.
//
// Parameters:
//   $key    the id of the node, e.g. 'k1'
//   $limit  how many neighbours to list per type and direction, e.g. 50
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per relationship type and direction: node (the node's properties),
//          type, direction ('out' or 'in'), total (how many there are) and neighbours
//          (up to $limit maps {label, key, name, properties}, in load order).
//          No relationship type of the schema touches a Baseline: the one row has type null.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Baseline {_generation: $generation, id: $key})
RETURN properties(n) AS node, null AS type, null AS direction, 0 AS total, [][..$limit] AS neighbours
