// Find Baseline nodes by name: key, name or part of the name.
//
// Each hit says how it matched; chainkg keeps the best kind only (key, then name,
// then alias, then partial), as GraphStore.find does for every store.
//
// Parameters:
//   $name  the text to look for, e.g. '常州'
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: row (_row), key, name and matched ('key', 'name', 'alias' or 'partial'),
//          in load order.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Baseline)
WHERE n._generation = $generation AND n.id IS NOT NULL
  AND (n.id = $name
    OR n.name CONTAINS $name)
RETURN n._row AS row, n.id AS key, n.name AS name,
       CASE WHEN n.id = $name THEN 'key'
            WHEN n.name = $name THEN 'name'
            ELSE 'partial' END AS matched
ORDER BY row, key
