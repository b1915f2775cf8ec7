// 产业链图谱: the operating facts (OPERATES_IN) into a map's segments whose source is left out (synthetic data not asked for).
//
// Parameters:
//   $segments          list of Segment ids, e.g. ['s-mat', 's-part']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo']
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row: excluded (how many such facts).
MATCH (s:Segment)
WHERE s._generation = $generation AND s.id IN $segments
OPTIONAL MATCH (:Enterprise)-[o:OPERATES_IN]->(s)
WHERE coalesce(o.source, '') IN $excluded_sources
RETURN count(o) AS excluded
