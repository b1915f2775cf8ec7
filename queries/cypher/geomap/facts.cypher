// Provenance of a chain's (or one segment's) map: the facts it uses per source, and the synthetic ones left out.
//
// The facts used are the chain, the SEGMENT_OF of the segments to it, the OPERATES_IN into
// the segments, the enterprises operating there and their LOCATED_IN. Operating facts,
// enterprises and locations from the sources in $excluded_sources are left out and counted.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $segments          list of Segment ids of the chain, e.g. ['s-mat', 's-part']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per source: source, facts (used), unverified (used with verified = false),
//          as_of (the latest of the used facts, null when none is used) and excluded.
CALL () {
  MATCH (c:Chain {id: $chain, _generation: $generation})
  RETURN c.source AS source, c.verified AS verified, c.as_of AS as_of, false AS dropped
  UNION ALL
  MATCH (s:Segment)-[r:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
  WHERE s.id IN $segments
  RETURN r.source AS source, r.verified AS verified, r.as_of AS as_of, false AS dropped
  UNION ALL
  MATCH (:Enterprise)-[o:OPERATES_IN]->(s:Segment)
  WHERE s.id IN $segments AND s._generation = $generation
  RETURN o.source AS source, o.verified AS verified, o.as_of AS as_of,
         coalesce(o.source, '') IN $excluded_sources AS dropped
  UNION ALL
  CALL () {
    MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment)
    WHERE s.id IN $segments AND s._generation = $generation AND NOT coalesce(o.source, '') IN $excluded_sources
    RETURN DISTINCT e
  }
  CALL (e) {
    RETURN e.source AS source, e.verified AS verified, e.as_of AS as_of,
           coalesce(e.source, '') IN $excluded_sources AS dropped
    UNION ALL
    MATCH (e)-[l:LOCATED_IN]->(:Region)
    WHERE NOT coalesce(e.source, '') IN $excluded_sources
    RETURN l.source AS source, l.verified AS verified, l.as_of AS as_of,
           coalesce(l.source, '') IN $excluded_sources AS dropped
  }
  RETURN source, verified, as_of, dropped
}
RETURN source, count(CASE WHEN NOT dropped THEN 1 END) AS facts,
       count(CASE WHEN NOT dropped AND verified = false THEN 1 END) AS unverified,
       max(CASE WHEN NOT dropped THEN as_of END) AS as_of,
       count(CASE WHEN dropped THEN 1 END) AS excluded
ORDER BY source
