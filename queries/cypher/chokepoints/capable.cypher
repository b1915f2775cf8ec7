// The perspective's enterprises that can make or provide each candidate, and how we know.
//
// An enterprise belongs to the perspective when its first location (LOCATED_IN, in load
// order) lies within the perspective's region subtree. Evidence, strongest first:
// MASTERS the technology, PROVIDES it, SUPPLIES a product named like it (its name or one
// of its aliases), or only OPERATES_IN a segment it is KEY_TO. Each enterprise counts
// once per technology and kind of evidence.
//
// Parameters:
//   $technologies  list of Technology ids, e.g. ['t-ctl']
//   $perspective   code of the perspective's Region, e.g. '320400'
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per technology, enterprise and kind of evidence: technology, via
//          ('MASTERS', 'PROVIDES', 'SUPPLIES' or 'OPERATES_IN'), key, name, region (the
//          enterprise's first location) and row (the first relationship's load order).
//
// The perspective's subtree is walked once (an enterprise's first location is then looked
// up among its codes), and the candidates' names and aliases are listed once: a supply
// is matched by its product against that list, not against every candidate node.
CALL () {
  MATCH (t:Technology)
  WHERE t._generation = $generation AND t.id IN $technologies
  UNWIND [t.name] + coalesce(t.aliases, []) AS product
  WITH product, t.id AS technology
  WHERE product IS NOT NULL
  RETURN collect({product: product, technology: technology}) AS named, collect(DISTINCT product) AS products
}
MATCH (:Region {code: $perspective, _generation: $generation})<-[:WITHIN*0..]-(inside:Region)
WITH named, products, collect(DISTINCT inside) AS inside
WITH named, products, inside, [place IN inside | place.code] AS codes
UNWIND inside AS place
MATCH (place)<-[:LOCATED_IN]-(e:Enterprise)
WITH DISTINCT e, named, products, codes
WITH e, named, products, codes, COLLECT {
          MATCH (e)-[l:LOCATED_IN]->(x:Region)
          WITH l, x ORDER BY l._row
          RETURN x.code
        }[0] AS region
WHERE region IN codes
CALL (e, named, products) {
  MATCH (e)-[r:MASTERS]->(t:Technology)
  WHERE t.id IN $technologies
  RETURN t.id AS technology, 'MASTERS' AS via, r._row AS row
  UNION
  MATCH (e)-[r:PROVIDES]->(t:Technology)
  WHERE t.id IN $technologies
  RETURN t.id AS technology, 'PROVIDES' AS via, r._row AS row
  UNION
  MATCH (e)-[r:SUPPLIES]->(:Enterprise)
  WHERE r.product IN products
  UNWIND [item IN named WHERE item.product = r.product | item.technology] AS technology
  RETURN technology, 'SUPPLIES' AS via, r._row AS row
  UNION
  MATCH (e)-[:OPERATES_IN]->(:Segment)<-[k:KEY_TO]-(t:Technology)
  WHERE t.id IN $technologies
  RETURN t.id AS technology, 'OPERATES_IN' AS via, k._row AS row
}
WITH technology, via, e, region, min(row) AS row
RETURN technology, via, e.id AS key, e.name AS name, region, row
ORDER BY technology, via, name, row, key
