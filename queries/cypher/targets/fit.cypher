// 上下游配套: SUPPLIES between an enterprise and an enterprise of a segment next to one it is matched to.
//
// For each (enterprise, segment) pair asked for and each FEEDS between that segment and
// another segment of the chain (Segment to Segment): downstream, the enterprise SUPPLIES
// a partner that OPERATES_IN the segment fed; upstream, a partner that OPERATES_IN the
// feeding segment SUPPLIES the enterprise. Facts from $excluded_sources are left out; an
// enterprise is never its own partner.
//
// Parameters:
//   $pairs             list of [Enterprise id, Segment id] pairs, e.g. [['e-c', 's-part']]
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per (pair, FEEDS, SUPPLIES, OPERATES_IN): enterprise, segment, neighbour,
//          direction ('downstream' or 'upstream'), partner, partner_name, product, the SUPPLIES'
//          sup_source, sup_as_of, sup_verified, the partner's OPERATES_IN op_source, op_as_of,
//          op_verified and the FEEDS' feeds_source, feeds_as_of, feeds_verified; by pair (in the
//          order given), then the FEEDS, SUPPLIES and OPERATES_IN in load order.
UNWIND range(0, size($pairs) - 1) AS i
WITH i, $pairs[i] AS pair
MATCH (e:Enterprise {_generation: $generation, id: pair[0]})
MATCH (s:Segment {_generation: $generation, id: pair[1]})
CALL (e, s) {
  MATCH (s)-[f:FEEDS]->(n:Segment)
  WHERE NOT f.source IN $excluded_sources AND EXISTS { MATCH (n)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
    AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
  MATCH (e)-[r:SUPPLIES]->(p:Enterprise)-[o:OPERATES_IN]->(n)
  WHERE p <> e AND NOT r.source IN $excluded_sources AND NOT o.source IN $excluded_sources
  RETURN 0 AS side, 'downstream' AS direction, n, f, r, p, o
  UNION ALL
  MATCH (n:Segment)-[f:FEEDS]->(s)
  WHERE NOT f.source IN $excluded_sources AND EXISTS { MATCH (n)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
    AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
  MATCH (n)<-[o:OPERATES_IN]-(p:Enterprise)-[r:SUPPLIES]->(e)
  WHERE p <> e AND NOT r.source IN $excluded_sources AND NOT o.source IN $excluded_sources
  RETURN 1 AS side, 'upstream' AS direction, n, f, r, p, o
}
RETURN e.id AS enterprise, s.id AS segment, n.id AS neighbour, direction, p.id AS partner, p.name AS partner_name,
       r.product AS product, r.source AS sup_source, r.as_of AS sup_as_of, r.verified AS sup_verified,
       o.source AS op_source, o.as_of AS op_as_of, o.verified AS op_verified,
       f.source AS feeds_source, f.as_of AS feeds_as_of, f.verified AS feeds_verified
ORDER BY side, i, f._row, r._row, o._row
