// Who outside the region PROVIDES a chain's segments or their key technologies.
//
// The targets are the chain's segments and the technologies KEY_TO them. A provider is a
// Region (local when its code is among $region_codes) or an Enterprise (local when one of
// its locations is; its place: the name of the region of its last location in load order).
// Local providers are left out. Facts from the sources in $excluded_sources (synthetic data
// not asked for) are left out; an enterprise from such a source stays a provider, unnamed
// and unplaced, as in the embedded store.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $region_codes      list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per PROVIDES: target (segment or technology id), key, label ('Region' or
//          'Enterprise'), name, place, share and year.
CALL () {
  MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
  RETURN s AS target
  UNION
  MATCH (t:Technology)-[k:KEY_TO]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
  WHERE NOT coalesce(k.source, '') IN $excluded_sources
  RETURN t AS target
}
MATCH (p)-[v:PROVIDES]->(target)
WHERE NOT coalesce(v.source, '') IN $excluded_sources
CALL (p) {
  MATCH (p)-[l:LOCATED_IN]->(r:Region)
  WHERE p:Enterprise AND NOT coalesce(l.source, '') IN $excluded_sources
  WITH l, r ORDER BY l._row DESC
  RETURN collect(r.code) AS codes, collect([r.name])[0][0] AS last_place
}
WITH target, v, p, p:Region AS is_region, codes, last_place,
     p:Enterprise AND coalesce(p.source, '') IN $excluded_sources AS dropped
WITH target, v, p, is_region,
     CASE WHEN dropped THEN null ELSE p.name END AS name,
     CASE WHEN is_region THEN p.name WHEN dropped THEN null ELSE last_place END AS place,
     CASE WHEN is_region THEN p.code IN $region_codes WHEN dropped THEN false
          ELSE any(code IN codes WHERE code IN $region_codes) END AS local
WHERE NOT local
RETURN target.id AS target, CASE WHEN is_region THEN p.code ELSE p.id END AS key,
       CASE WHEN is_region THEN 'Region' ELSE 'Enterprise' END AS label, name, place,
       v.share AS share, v.year AS year
ORDER BY label, target, key, v._row
