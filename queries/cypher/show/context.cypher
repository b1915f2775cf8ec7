// What `chainkg show` lists beside a node's neighbourhood: the path of its region up to the
// country, and the chains of the segments it operates in, in one statement.
//
// Parameters:
//   $region    code of the node's region (its first location), e.g. '320402', or null for none
//   $segments  list of Segment ids (the segments an enterprise OPERATES_IN), e.g. ['s-mat'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row: regions (maps {code, name, depth}: the region (depth 0) and every region it
//          lies within (WITHIN, transitively), nearest first; empty when $region is null or
//          unknown) and chains (maps {key, name}: each chain a segment of $segments is
//          SEGMENT_OF, once).
CALL () {
  OPTIONAL MATCH path = (:Region {code: $region, _generation: $generation})-[:WITHIN*0..]->(a:Region)
  WITH a, length(path) AS depth
  ORDER BY depth
  RETURN collect(CASE WHEN a IS NOT NULL THEN {code: a.code, name: a.name, depth: depth} END) AS regions
}
CALL () {
  UNWIND $segments AS wanted
  MATCH (:Segment {id: wanted, _generation: $generation})-[:SEGMENT_OF]->(c:Chain)
  WITH DISTINCT c
  RETURN collect({key: c.id, name: c.name}) AS chains
}
RETURN regions, chains
