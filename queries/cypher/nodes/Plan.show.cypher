// One Plan node and its neighbourhood: every relationship around it, per type and direction.
//
// Parameters:
//   $key    the id of the node, e.g. 'plan-demo'
//   $limit  how many neighbours to list per type and direction, e.g. 50
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per relationship type and direction: node (the node's properties),
//          type, direction ('out' or 'in'), total (how many there are) and neighbours
//          (up to $limit maps {label, key, name, properties}, in load order).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Plan {_generation: $generation, id: $key})
CALL (n) {
  MATCH (n)<-[r]-(m)
  RETURN 'in' AS direction, r, m
}
WITH n, direction, r, m
ORDER BY type(r), direction, r._row
// the relationships and neighbours themselves are collected (no property read), and only the
// $limit listed are read: a node with thousands of SUPPLIES reads fifty, not every one
WITH n, type(r) AS type, direction, collect([r, m]) AS found
WITH n, type, direction, size(found) AS total, found[..$limit] AS listed
CALL (listed) {
  UNWIND range(0, size(listed) - 1) AS i
  WITH i, listed[i][0] AS r, listed[i][1] AS m
  ORDER BY i
  RETURN collect({label: labels(m)[0], key: CASE WHEN m:Region THEN m.code ELSE m.id END, name: CASE WHEN m:Source|MechanismItem THEN CASE WHEN m:Region THEN m.code ELSE m.id END ELSE m.name END, properties: properties(r)}) AS neighbours
}
RETURN properties(n) AS node, type, direction, total, neighbours
ORDER BY type, direction
