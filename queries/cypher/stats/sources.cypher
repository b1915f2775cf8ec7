// How many facts (nodes and relationships) each source gave, over the whole graph, for `chainkg stats`.
//
// One scan of the generation's nodes and of the relationships that start at them; a
// fact whose source is empty counts under null.
//
// Parameters:
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per source: source (its id, or null) and facts.
CALL () {
  MATCH (n {_generation: $generation})
  RETURN n.source AS source
  UNION ALL
  MATCH (n {_generation: $generation})-[r]->()
  RETURN r.source AS source
}
RETURN source, count(*) AS facts
