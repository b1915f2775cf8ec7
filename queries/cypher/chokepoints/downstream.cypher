// Dependency breadth of each candidate: the distinct nodes that depend on it, transitively.
//
// Follows FEEDS, KEY_TO and SUBTYPE_OF from the technology (X → Y means Y needs X; a
// category needs its sub-types) and counts each node reached once, the technology itself
// left out. A reached node is a *final product* when something FEEDS it and it is needed
// by nothing; otherwise a *segment* (环节: a Segment, or a Technology of kind 'process')
// or an *input* (any other Technology). Only distinct end nodes are needed, so Neo4j can
// plan the variable-length expansion as a pruning (breadth-first) one.
//
// Parameters:
//   $technologies  list of Technology ids, e.g. ['t-ctl']
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per technology found: key, downstream_segments, downstream_inputs
//          (counts, final products excluded) and final_products (their names).
UNWIND $technologies AS key
MATCH (t:Technology {_generation: $generation, id: key})
CALL (t) {
  MATCH (t)-[:FEEDS|KEY_TO|SUBTYPE_OF*1..]->(d)
  WHERE d <> t
  WITH DISTINCT d
  WITH d,
       EXISTS { MATCH (d)<-[:FEEDS]-() } AND NOT EXISTS { MATCH (d)-[:FEEDS|KEY_TO|SUBTYPE_OF]->() } AS final,
       d:Segment OR coalesce(d.kind = 'process', false) AS step
  RETURN count(CASE WHEN step AND NOT final THEN 1 END) AS segments,
         count(CASE WHEN NOT step AND NOT final THEN 1 END) AS inputs,
         collect(CASE WHEN final THEN coalesce(d.name, d.id) END) AS finals
}
RETURN key, segments AS downstream_segments, inputs AS downstream_inputs, finals AS final_products
