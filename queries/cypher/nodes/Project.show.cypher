// One Project node and its neighbourhood: every relationship around it, per type and direction.
//
// Parameters:
//   $key    the id of the node, e.g. 'k1'
//   $limit  how many neighbours to list per type and direction, e.g. 50
// Returns: one row per relationship type and direction: node (the node's properties),
//          type, direction ('out' or 'in'), total (how many there are) and neighbours
//          (up to $limit maps {label, key, name, properties}, in load order).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Project {id: $key})
CALL (n) {
  MATCH (n)-[r]->(m)
  RETURN 'out' AS direction, r, m
}
WITH n, direction, r, m
ORDER BY type(r), direction, r._row
WITH n, type(r) AS type, direction,
     collect({label: labels(m)[0], key: CASE WHEN m:Region THEN m.code ELSE m.id END, name: CASE WHEN m:Source|MechanismItem THEN CASE WHEN m:Region THEN m.code ELSE m.id END ELSE m.name END, properties: properties(r)}) AS found
RETURN properties(n) AS node, type, direction, size(found) AS total, found[..$limit] AS neighbours
ORDER BY type, direction
