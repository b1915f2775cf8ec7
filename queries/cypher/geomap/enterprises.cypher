// The enterprises of a chain's (or one segment's) map: who OPERATES_IN the segments, and where they are.
//
// Facts from the sources in $excluded_sources (synthetic data not asked for) are left out:
// the operating facts, the enterprises themselves and their locations.
//
// Parameters:
//   $segments          list of Segment ids, e.g. ['s-mat', 's-part']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per enterprise, by key: key, name, aliases, designations, source,
//          segments (the names of the segments it operates in, one per segment) and regions
//          (the distinct codes of its locations; empty when it has none).
MATCH (s:Segment)
WHERE s.id IN $segments AND s._generation = $generation
MATCH (e:Enterprise)-[o:OPERATES_IN]->(s)
WHERE NOT coalesce(o.source, '') IN $excluded_sources AND NOT coalesce(e.source, '') IN $excluded_sources
WITH DISTINCT e, s
WITH e, collect(s.name) AS segments
RETURN e.id AS key, e.name AS name, e.aliases AS aliases, e.designations AS designations, e.source AS source,
       segments,
       COLLECT {
         MATCH (e)-[l:LOCATED_IN]->(r:Region)
         WHERE NOT coalesce(l.source, '') IN $excluded_sources
         RETURN DISTINCT r.code
       } AS regions
ORDER BY key
