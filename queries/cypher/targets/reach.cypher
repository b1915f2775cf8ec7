// 招商目标: the chain segments some technologies serve without a KEY_TO fact of their own, reached downstream.
//
// From each technology, along FEEDS out of a technology (an input that feeds another), SUBTYPE_OF
// (to the broader kind) and KEY_TO, through anything but the chain's own segments, to a segment of
// the chain: a shortest such path per (technology, segment), so that the search is a breadth-first
// one in the database, not every path. Facts from $excluded_sources are not followed.
//
// Parameters:
//   $technologies      list of Technology ids, e.g. ['t-ctl']
//   $segments          list of the chain's Segment ids, e.g. ['s-mat', 's-part']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per (technology, segment) reached: technology and segment (ids), by technology
//          then segment.
MATCH (t:Technology)
WHERE t._generation = $generation AND t.id IN $technologies
MATCH (s:Segment)
WHERE s._generation = $generation AND s.id IN $segments
MATCH ANY SHORTEST (t) ((a)-[r:FEEDS|SUBTYPE_OF|KEY_TO]->(b)
    WHERE (a:Technology OR NOT r:FEEDS) AND NOT coalesce(r.source, '') IN $excluded_sources
      AND NOT (a:Segment AND a.id IN $segments))+ (s)
RETURN DISTINCT t.id AS technology, s.id AS segment
ORDER BY technology, segment
