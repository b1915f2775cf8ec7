// Choke-point candidates: the technologies that are inputs, within a chain's dependencies when one is given.
//
// A technology is in the pool when $chain is null, or when one of the chain's segments
// depends on it: a path of FEEDS, KEY_TO or SUBTYPE_OF leads from it to a Segment of the
// chain (X → Y means Y needs X). It is an *aggregate*, scored through its parts and not
// itself, when nothing PROVIDES it while another technology that leads to it (something
// it is made of) is provided. See queries/chokepoints.py and docs/chokepoints.md.
//
// Parameters:
//   $chain  the id of the Chain whose dependencies limit the pool, or null for every
//           technology, e.g. 'ch-demo' (or null)
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per technology of the pool, in load order: key, name, kind, source,
//          as_of, aggregate (true for an aggregate) and breakthrough_for (the names of the
//          clusters whose plans list it as a breakthrough, BREAKTHROUGH_FOR, in load order).
MATCH (t:Technology)
WHERE t._generation = $generation AND t.id IS NOT NULL
  AND ($chain IS NULL
   OR EXISTS { MATCH (t)-[:FEEDS|KEY_TO|SUBTYPE_OF*1..]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain}) })
WITH t, EXISTS { MATCH (:Region|Enterprise)-[:PROVIDES]->(t) } AS provided
WITH t, NOT provided AND EXISTS {
       MATCH (part:Technology)-[:FEEDS|KEY_TO|SUBTYPE_OF*1..]->(t)
       WHERE part <> t AND EXISTS { MATCH (:Region|Enterprise)-[:PROVIDES]->(part) }
     } AS aggregate
RETURN t.id AS key, t.name AS name, t.kind AS kind, t.source AS source, t.as_of AS as_of, aggregate,
       COLLECT {
         MATCH (t)-[b:BREAKTHROUGH_FOR]->(c:Cluster)
         WITH b, c ORDER BY b._row
         RETURN c.name
       } AS breakthrough_for
ORDER BY t._row, key
