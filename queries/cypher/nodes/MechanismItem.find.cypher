// Find MechanismItem nodes by name: key, or part of the key.
//
// Each hit says how it matched; chainkg keeps the best kind only (key, then name,
// then alias, then partial), as GraphStore.find does for every store.
//
// Parameters:
//   $name  the text to look for, e.g. 'mini'
// Returns: row (_row), key, name and matched ('key', 'name', 'alias' or 'partial'),
//          in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:MechanismItem)
WHERE n.id = $name
   OR n.id CONTAINS $name
RETURN n._row AS row, n.id AS key, n.id AS name,
       CASE WHEN n.id = $name THEN 'key'
            ELSE 'partial' END AS matched
ORDER BY row, key
