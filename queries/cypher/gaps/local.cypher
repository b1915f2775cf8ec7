// The local enterprises of each segment of a chain, with their roles in the chain.
//
// An enterprise is in the chain when it OPERATES_IN one of the chain's segments, and
// local when one of its locations (LOCATED_IN) is among $region_codes (the region and
// every region within it). Facts from the sources in $excluded_sources (synthetic data
// not asked for) are ignored. A key enterprise ANCHORS a cluster of the chain; a chain
// leader (链主) LEADS the chain, anchors one of its clusters with role 链主, or carries a
// designation with 链主.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $region_codes      list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per (segment, local enterprise): segment, enterprise, name, designations
//          (a list), revenue_yi, employees, key_enterprise and chain_leader.
MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
WITH DISTINCT s
MATCH (e:Enterprise)-[o:OPERATES_IN]->(s)
WHERE NOT o.source IN $excluded_sources AND NOT e.source IN $excluded_sources
  AND EXISTS {
    MATCH (e)-[l:LOCATED_IN]->(r:Region)
    WHERE r.code IN $region_codes AND NOT l.source IN $excluded_sources
  }
WITH DISTINCT s, e
RETURN s.id AS segment, e.id AS enterprise, e.name AS name, e.designations AS designations,
       e.revenue_yi AS revenue_yi, e.employees AS employees,
       EXISTS {
         MATCH (e)-[a:ANCHORS]->(k:Cluster)
         WHERE NOT a.source IN $excluded_sources AND EXISTS { MATCH (:Chain {id: $chain})-[:IN_CLUSTER]->(k) }
       } AS key_enterprise,
       EXISTS { MATCH (e)-[l:LEADS]->(:Chain {id: $chain}) WHERE NOT l.source IN $excluded_sources }
       OR EXISTS {
         MATCH (e)-[a:ANCHORS]->(k:Cluster)
         WHERE a.role = '链主' AND NOT a.source IN $excluded_sources
           AND EXISTS { MATCH (:Chain {id: $chain})-[:IN_CLUSTER]->(k) }
       }
       OR any(d IN coalesce(e.designations, []) WHERE d CONTAINS '链主') AS chain_leader
ORDER BY segment, enterprise
