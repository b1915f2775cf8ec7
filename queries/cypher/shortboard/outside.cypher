// Per segment of a chain: the enterprises outside the region able to serve it, counted, and the largest few.
//
// The enterprises of a segment are those that OPERATE_IN it or MASTER one of its key
// technologies; outside means none of their locations (LOCATED_IN) is among $region_codes.
// Domestic: one location lies within $nation (WITHIN); foreign: located, but not in it.
// Examples: the $examples largest by revenue (unknown last), then by name, with the name of
// the region of their last location in load order. Facts from the sources in
// $excluded_sources (synthetic data not asked for) are left out.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $region_codes      list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $nation            code of the country, e.g. 'CHN'
//   $examples          how many outside enterprises are named per segment, e.g. 10
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per segment with outside enterprises: segment, domestic, foreign and
//          examples (maps {name, place}).
MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
WITH DISTINCT s
CALL (s) {
  MATCH (e:Enterprise)-[o:OPERATES_IN]->(s)
  WHERE NOT coalesce(o.source, '') IN $excluded_sources
  RETURN e
  UNION
  MATCH (e:Enterprise)-[m:MASTERS]->(t:Technology)-[k:KEY_TO]->(s)
  WHERE NOT coalesce(m.source, '') IN $excluded_sources AND NOT coalesce(k.source, '') IN $excluded_sources
  RETURN e
}
WITH s, e
WHERE NOT coalesce(e.source, '') IN $excluded_sources
CALL (e) {
  MATCH (e)-[l:LOCATED_IN]->(r:Region)
  WHERE NOT coalesce(l.source, '') IN $excluded_sources
  WITH l, r ORDER BY l._row DESC
  RETURN collect(r.code) AS codes, collect([r.name])[0][0] AS place
}
WITH s, e, place
WHERE NOT any(code IN codes WHERE code IN $region_codes)
WITH s, e, place,
     EXISTS {
       MATCH (e)-[l:LOCATED_IN]->(:Region)-[:WITHIN*0..]->(:Region {code: $nation})
       WHERE NOT coalesce(l.source, '') IN $excluded_sources
     } AS national
ORDER BY coalesce(-e.revenue_yi, 1.0), e.name, e.id
WITH s, count(CASE WHEN national THEN 1 END) AS domestic,
     count(CASE WHEN NOT national AND place IS NOT NULL THEN 1 END) AS foreign,
     collect({name: e.name, place: place}) AS ranked
RETURN s.id AS segment, domestic, foreign, ranked[..$examples] AS examples
ORDER BY segment
