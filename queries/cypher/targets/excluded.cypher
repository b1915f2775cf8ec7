// 招商目标: the facts of excluded sources that the ranking leaves out, counted per relationship type.
//
// Counts, over the whole graph, the relationships of each type the ranking reads whose
// source is among $excluded_sources (the synthetic facts not asked for), the FEEDS between
// the chain's segments among them, and every SUPPLIES (to say when the graph has none).
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row: excluded (the count over OPERATES_IN, MASTERS, PROVIDES, LOCATED_IN,
//          SUPPLIES, ANCHORS, LEADS, SUBSIDIARY_OF, BRANCH_OF and the chain's FEEDS),
//          supplies (every SUPPLIES) and supplies_excluded.
CALL () {
  // nothing excluded: no scan
  WITH 1 AS asked WHERE size($excluded_sources) > 0
  MATCH (a)-[r:OPERATES_IN|MASTERS|PROVIDES|LOCATED_IN|SUPPLIES|ANCHORS|LEADS|SUBSIDIARY_OF|BRANCH_OF]->()
  WHERE a._generation = $generation AND r.source IN $excluded_sources
  RETURN count(r) AS excluded
}
CALL () {
  WITH 1 AS asked WHERE size($excluded_sources) > 0
  MATCH (s:Segment)-[f:FEEDS]->(t:Segment)
  WHERE s._generation = $generation AND f.source IN $excluded_sources
    AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
    AND EXISTS { MATCH (t)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
  RETURN count(f) AS feeds
}
CALL () {
  MATCH (a:Enterprise)-[r:SUPPLIES]->()
  WHERE a._generation = $generation
  RETURN count(r) AS supplies, count(CASE WHEN r.source IN $excluded_sources THEN 1 END) AS supplies_excluded
}
RETURN excluded + feeds AS excluded, supplies, supplies_excluded
