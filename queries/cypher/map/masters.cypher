// 产业链图谱: per key technology, how many enterprises of the region master it (MASTERS).
//
// An enterprise counts when it has at least one location (LOCATED_IN, source not left out) in
// the region's subtree, whatever it operates in; each enterprise once per technology.
//
// Parameters:
//   $technologies      list of Technology ids, e.g. ['t-ctl']
//   $region_codes      list of the codes of the region and every region within it, e.g. ['320400', '320412']
//   $excluded_sources  list of Source ids whose locations are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per technology mastered by at least one such enterprise: technology (its id)
//          and masters (how many), by technology.
MATCH (t:Technology)
WHERE t._generation = $generation AND t.id IN $technologies
MATCH (e:Enterprise)-[:MASTERS]->(t)
WHERE EXISTS {
  MATCH (e)-[l:LOCATED_IN]->(r:Region)
  WHERE r.code IN $region_codes AND NOT coalesce(l.source, '') IN $excluded_sources
}
RETURN t.id AS technology, count(DISTINCT e) AS masters
ORDER BY technology
