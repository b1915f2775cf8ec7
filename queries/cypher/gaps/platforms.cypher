// The local platforms of each segment of a gap analysis: what queries/carriers.py ties to a segment.
//
// A platform is tied to a segment when it SERVES a chain the segment is SEGMENT_OF, WORKS_ON a
// technology KEY_TO the segment, or is RUN by an enterprise that OPERATES_IN the segment
// (queries/carriers.py, subject a segment). It is local when its first location
// (PLATFORM_LOCATED_IN, in load order) is among $region_codes; a platform whose location the
// graph does not know is not local. The run-by ties start from the platforms (few) and check
// each operator's segments, never from a segment's enterprises (up to hundreds of thousands).
//
// Parameters:
//   $segments      list of Segment ids, e.g. ['s-mat', 's-part']
//   $region_codes  list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per segment and local platform tied to it: segment, key, name.
UNWIND $segments AS wanted
MATCH (s:Segment {id: wanted, _generation: $generation})
CALL (s) {
  MATCH (s)-[:SEGMENT_OF]->(:Chain)<-[:SERVES]-(p:Platform)
  RETURN p
  UNION
  MATCH (s)<-[:KEY_TO]-(:Technology)<-[:WORKS_ON]-(p:Platform)
  RETURN p
  UNION
  MATCH (p:Platform)<-[:RUNS]-(e:Enterprise)
  WHERE p._generation = $generation AND EXISTS { MATCH (e)-[:OPERATES_IN]->(s) }
  RETURN p
}
WITH s, p, COLLECT {
       MATCH (p)-[l:PLATFORM_LOCATED_IN]->(place:Region)
       WITH l, place ORDER BY l._row
       RETURN place.code
     }[0] AS region
WHERE region IN $region_codes
RETURN DISTINCT s.id AS segment, p.id AS key, p.name AS name
ORDER BY segment, key
