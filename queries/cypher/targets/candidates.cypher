// 招商目标: the enterprises that match a chain's needs, sorted into outside candidates and the ones left out.
//
// An enterprise matches when it OPERATES_IN a need segment, MASTERS a need technology or
// PROVIDES either (facts from $excluded_sources ignored). Of the matched ones, those whose
// own node is from $excluded_sources are dropped (synthetic), those located in the region
// (a LOCATED_IN to one of $region_codes) are local, those without any location are
// unlocated; of the rest, those whose latest registration (by as_of, then source) has a
// status among $inactive_statuses are inactive, and those whose group (SUBSIDIARY_OF /
// BRANCH_OF in either direction, transitively) has an active member located in the region
// are present through their group. The others are the candidates.
//
// Parameters:
//   $segments           list of the need segments' ids, e.g. ['s-part', 's-svc']
//   $technologies       list of the need technologies' ids, e.g. ['t-ctrl']
//   $region_codes       list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $excluded_sources   list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $inactive_statuses  list of registration statuses of a closed company, e.g. ['注销', '吊销', '撤销']
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row: matched, synthetic, local, unlocated, inactive (counts), inactive_as_of
//          (the latest registration date behind the inactive ones, null when none), candidates
//          (ids, ascending) and present (maps {key, members}: members the ids of the group's
//          local members, ascending; by key).
CALL () {
  MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment)
  WHERE s._generation = $generation AND s.id IN $segments AND NOT o.source IN $excluded_sources
  RETURN e
  UNION
  MATCH (e:Enterprise)-[m:MASTERS]->(t:Technology)
  WHERE t._generation = $generation AND t.id IN $technologies AND NOT m.source IN $excluded_sources
  RETURN e
  UNION
  MATCH (e:Enterprise)-[p:PROVIDES]->(n)
  WHERE n._generation = $generation AND NOT p.source IN $excluded_sources
    AND ((n:Segment AND n.id IN $segments) OR (n:Technology AND n.id IN $technologies))
  RETURN e
}
WITH e, e.source IN $excluded_sources AS synthetic
WITH e, synthetic,
     NOT synthetic AND EXISTS {
       MATCH (e)-[l:LOCATED_IN]->(r:Region)
       WHERE r.code IN $region_codes AND NOT l.source IN $excluded_sources
     } AS local,
     NOT synthetic AND EXISTS {
       MATCH (e)-[l:LOCATED_IN]->(:Region) WHERE NOT l.source IN $excluded_sources
     } AS located
WITH e, synthetic, local, located, NOT synthetic AND NOT local AND located AS outside
WITH e, synthetic, local, located, outside,
     CASE WHEN outside THEN COLLECT {
       MATCH (e)-[:HAS_REGISTRATION]->(g:Registration)
       WHERE g.status IS NOT NULL AND g.status <> ''
       WITH g ORDER BY g.as_of DESC, g.source DESC LIMIT 1
       RETURN {status: g.status, as_of: g.as_of}
     } ELSE [] END AS latest
WITH e, synthetic, local, located, outside,
     outside AND size(latest) > 0 AND latest[0].status IN $inactive_statuses AS inactive,
     CASE WHEN size(latest) > 0 THEN latest[0].as_of END AS registered
WITH e, synthetic, local, located, outside, inactive, registered,
     CASE WHEN outside AND NOT inactive THEN COLLECT {
       MATCH (e) (()-[g:SUBSIDIARY_OF|BRANCH_OF]-() WHERE NOT g.source IN $excluded_sources)+ (m:Enterprise)
       WHERE m <> e
         AND EXISTS {
           MATCH (m)-[l:LOCATED_IN]->(r:Region)
           WHERE r.code IN $region_codes AND NOT l.source IN $excluded_sources
         }
         AND NOT coalesce(COLLECT {
           MATCH (m)-[:HAS_REGISTRATION]->(h:Registration)
           WHERE h.status IS NOT NULL AND h.status <> ''
           WITH h ORDER BY h.as_of DESC, h.source DESC LIMIT 1
           RETURN h.status
         }[0] IN $inactive_statuses, false)
       WITH DISTINCT m ORDER BY m.id
       RETURN m.id
     } ELSE [] END AS members
WITH e, synthetic, local, located, inactive, registered, members, outside AND NOT inactive AND size(members) = 0 AS candidate
ORDER BY e.id
RETURN count(e) AS matched,
       count(CASE WHEN synthetic THEN 1 END) AS synthetic,
       count(CASE WHEN local THEN 1 END) AS local,
       count(CASE WHEN NOT synthetic AND NOT located THEN 1 END) AS unlocated,
       count(CASE WHEN inactive THEN 1 END) AS inactive,
       max(CASE WHEN inactive THEN registered END) AS inactive_as_of,
       collect(CASE WHEN candidate THEN e.id END) AS candidates,
       collect(CASE WHEN size(members) > 0 THEN {key: e.id, members: members} END) AS present
