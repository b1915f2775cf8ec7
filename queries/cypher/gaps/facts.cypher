// Provenance of a chain's gap analysis: the facts it uses per source, and the synthetic ones it leaves out.
//
// The facts used are: the chain, its SEGMENT_OF and Segment nodes, the FEEDS between its
// segments, the OPERATES_IN into its segments, its enterprises and their LOCATED_IN, the
// ANCHORS (to its clusters) and LEADS (to it) of its local enterprises, and the SUPPLIES
// counted by gaps/supplies. Facts from the sources in $excluded_sources are left out of
// the operating, enterprise, location, role and supply facts and counted as excluded.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $region_codes      list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. [] (or ['synthetic-demo'])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per source: source, facts (used), unverified (used with verified = false),
//          as_of (the latest of the used facts, null when none is used) and excluded.
CALL () {
  MATCH (c:Chain {id: $chain, _generation: $generation})
  RETURN c.source AS source, c.verified AS verified, c.as_of AS as_of, true AS used, false AS dropped
  UNION ALL
  MATCH (:Segment)-[r:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
  RETURN r.source AS source, r.verified AS verified, r.as_of AS as_of, true AS used, false AS dropped
  UNION ALL
  MATCH (s:Segment)
  WHERE s._generation = $generation AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
  RETURN s.source AS source, s.verified AS verified, s.as_of AS as_of, true AS used, false AS dropped
  UNION ALL
  MATCH (a:Segment)-[r:FEEDS]->(b:Segment)
  WHERE a._generation = $generation AND EXISTS { MATCH (a)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
    AND EXISTS { MATCH (b)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
  RETURN r.source AS source, r.verified AS verified, r.as_of AS as_of, true AS used, false AS dropped
  UNION ALL
  MATCH (:Enterprise)-[r:OPERATES_IN]->(s:Segment)
  WHERE s._generation = $generation AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
  WITH r, r.source IN $excluded_sources AS dropped
  RETURN r.source AS source, r.verified AS verified, r.as_of AS as_of, NOT dropped AS used, dropped
  UNION ALL
  // the chain's enterprises (those with an OPERATES_IN kept), then their locations and roles: three
  // branches, not a subquery per enterprise (Community's runtime pays for each call)
  MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment)
  WHERE s._generation = $generation AND NOT o.source IN $excluded_sources
    AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
  WITH DISTINCT e
  WITH e, e.source IN $excluded_sources AS gone
  RETURN e.source AS source, e.verified AS verified, e.as_of AS as_of, NOT gone AS used, gone AS dropped
  UNION ALL
  MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment)
  WHERE s._generation = $generation AND NOT o.source IN $excluded_sources
    AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
  WITH DISTINCT e
  WHERE NOT e.source IN $excluded_sources
  MATCH (e)-[r:LOCATED_IN]->(:Region)
  WITH r, r.source IN $excluded_sources AS lost
  RETURN r.source AS source, r.verified AS verified, r.as_of AS as_of, NOT lost AS used, lost AS dropped
  UNION ALL
  // the roles (ANCHORS a cluster of the chain, LEADS the chain) found from the chain's side (few),
  // of its local enterprises
  MATCH (c:Chain {id: $chain, _generation: $generation})
  CALL (c) {
    MATCH (c)-[:IN_CLUSTER]->(target:Cluster)
    RETURN DISTINCT target
    UNION
    RETURN c AS target
  }
  MATCH (target)<-[r:ANCHORS|LEADS]-(e:Enterprise)
  WHERE NOT e.source IN $excluded_sources
    AND EXISTS {
      MATCH (e)-[o:OPERATES_IN]->(s:Segment)-[:SEGMENT_OF]->(c)
      WHERE NOT o.source IN $excluded_sources
    }
    AND EXISTS {
      MATCH (e)-[l:LOCATED_IN]->(x:Region)
      WHERE x.code IN $region_codes AND NOT l.source IN $excluded_sources
    }
  WITH DISTINCT r
  WITH r, r.source IN $excluded_sources AS lost
  RETURN r.source AS source, r.verified AS verified, r.as_of AS as_of, NOT lost AS used, lost AS dropped
  UNION ALL
  // SUPPLIES into the local customers of the segments the chain's segments feed
  // each fed segment once (several of the chain's segments may feed it), then each of its customers once
  MATCH (c:Chain {id: $chain, _generation: $generation})<-[:SEGMENT_OF]-(s:Segment)-[:FEEDS]->(t:Segment)
  WHERE EXISTS { MATCH (t)-[:SEGMENT_OF]->(c) }
  WITH DISTINCT c, t
  MATCH (customer:Enterprise)-[o:OPERATES_IN]->(t)
  WHERE NOT o.source IN $excluded_sources AND NOT customer.source IN $excluded_sources
    AND EXISTS {
      MATCH (customer)-[l:LOCATED_IN]->(x:Region)
      WHERE x.code IN $region_codes AND NOT l.source IN $excluded_sources
    }
  WITH DISTINCT c, customer
  MATCH (supplier:Enterprise)-[r:SUPPLIES]->(customer)
  WITH r, r.source IN $excluded_sources AS dropped,
       NOT r.source IN $excluded_sources AND NOT supplier.source IN $excluded_sources
       AND EXISTS {
         MATCH (supplier)-[p:OPERATES_IN]->(s:Segment)-[:FEEDS]->(t:Segment)<-[q:OPERATES_IN]-(customer)
         WHERE NOT p.source IN $excluded_sources AND NOT q.source IN $excluded_sources
           AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(c) } AND EXISTS { MATCH (t)-[:SEGMENT_OF]->(c) }
       } AS counted
  RETURN r.source AS source, r.verified AS verified, r.as_of AS as_of, counted AS used, dropped
}
WITH source, used, dropped, verified, as_of
RETURN source,
       count(CASE WHEN used THEN 1 END) AS facts,
       count(CASE WHEN used AND verified = false THEN 1 END) AS unverified,
       max(CASE WHEN used THEN as_of END) AS as_of,
       count(CASE WHEN dropped THEN 1 END) AS excluded
ORDER BY source
