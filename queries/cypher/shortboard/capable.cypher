// The enterprises able to serve a chain's segments that the 短板长板 table lists by name.
//
// Per segment: the local enterprises that OPERATE_IN it (technology null), and every
// enterprise that MASTERS one of its key technologies (technology set), local or not. Local: one of the enterprise's locations
// (LOCATED_IN) is among $region_codes; national: one lies within $nation (WITHIN); place:
// the name of the region of its last location in load order. The outside enterprises of
// a segment are only counted and sampled, by shortboard/outside. Facts from the sources in
// $excluded_sources (synthetic data not asked for) are left out.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $region_codes      list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $nation            code of the country, e.g. 'CHN'
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per (segment, technology or null, enterprise): segment, technology,
//          enterprise, name, revenue_yi, local, national and place.
MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
WITH DISTINCT s
CALL (s) {
  MATCH (e:Enterprise)-[o:OPERATES_IN]->(s)
  WHERE NOT coalesce(o.source, '') IN $excluded_sources
  RETURN e, null AS technology
  UNION
  MATCH (e:Enterprise)-[m:MASTERS]->(t:Technology)-[k:KEY_TO]->(s)
  WHERE NOT coalesce(m.source, '') IN $excluded_sources AND NOT coalesce(k.source, '') IN $excluded_sources
  RETURN e, t.id AS technology
}
WITH s, e, technology
WHERE NOT coalesce(e.source, '') IN $excluded_sources
CALL (e) {
  MATCH (e)-[l:LOCATED_IN]->(r:Region)
  WHERE NOT coalesce(l.source, '') IN $excluded_sources
  WITH l, r ORDER BY l._row DESC
  RETURN collect(r.code) AS codes, collect([r.name])[0][0] AS place
}
WITH s, e, technology, place, any(code IN codes WHERE code IN $region_codes) AS local
WHERE technology IS NOT NULL OR local
RETURN s.id AS segment, technology, e.id AS enterprise, e.name AS name, e.revenue_yi AS revenue_yi, local,
       EXISTS {
         MATCH (e)-[l:LOCATED_IN]->(:Region)-[:WITHIN*0..]->(:Region {code: $nation})
         WHERE NOT coalesce(l.source, '') IN $excluded_sources
       } AS national,
       place
ORDER BY segment, technology, enterprise
