// 本地配套: per segment S of a chain, the supplies local customers downstream receive from S.
//
// Customers of S are the local enterprises of the segments S FEEDS directly (local: a
// location among $region_codes). Counted are the SUPPLIES relationships into those
// customers whose supplier OPERATES_IN S (received), and how many of those suppliers are
// local themselves (from_local). Facts from the sources in $excluded_sources are ignored.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $region_codes      list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. [] (or ['synthetic-demo'])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per segment that receives any: segment, received and from_local.
//
// Each fed segment's local customers are found once, whichever of the chain's segments feed it
// (a customer's locations are checked once, not once per feeding segment).
MATCH (c:Chain {id: $chain, _generation: $generation})<-[:SEGMENT_OF]-(s:Segment)-[:FEEDS]->(t:Segment)
WHERE EXISTS { MATCH (t)-[:SEGMENT_OF]->(c) }
WITH t, collect(DISTINCT s) AS feeders
MATCH (customer:Enterprise)-[o:OPERATES_IN]->(t)
WHERE NOT o.source IN $excluded_sources AND NOT customer.source IN $excluded_sources
  AND EXISTS {
    MATCH (customer)-[l:LOCATED_IN]->(r:Region)
    WHERE r.code IN $region_codes AND NOT l.source IN $excluded_sources
  }
UNWIND feeders AS s
WITH DISTINCT s, customer
MATCH (supplier:Enterprise)-[r:SUPPLIES]->(customer)
WHERE NOT r.source IN $excluded_sources AND NOT supplier.source IN $excluded_sources
  AND EXISTS { MATCH (supplier)-[p:OPERATES_IN]->(s) WHERE NOT p.source IN $excluded_sources }
WITH s, r, EXISTS {
       MATCH (supplier)-[l:LOCATED_IN]->(x:Region)
       WHERE x.code IN $region_codes AND NOT l.source IN $excluded_sources
     } AS local
RETURN s.id AS segment, count(r) AS received, count(CASE WHEN local THEN 1 END) AS from_local
ORDER BY segment
