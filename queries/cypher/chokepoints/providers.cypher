// Providers of each candidate with their market shares, supply unit and side, seen from a region.
//
// For every PROVIDES from a Region (country-level shares) or an Enterprise (company
// shares) to one of the technologies: the provider's supply unit, i.e. the innermost
// region of level 'country' or 'area' on the way up WITHIN from the provider (a Region)
// or from the enterprise's first location (its first LOCATED_IN), or the top of that way
// when there is none; whether it is on the perspective's side (within the perspective's
// region subtree) and whether it is a Region that contains the perspective (CHN seen
// from 常州市). The shares are summed per unit, and the concentration computed, by
// score_chokepoints (queries/chokepoints.py).
//
// Parameters:
//   $technologies  list of Technology ids, e.g. ['t-ctl']
//   $perspective   code of the perspective's Region, e.g. '320400'
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per PROVIDES, in load order: technology, label ('Region' or
//          'Enterprise'), key, name, unit (a Region code, null when the enterprise has no
//          location), share (percent, or null), year, own, encloses, source and as_of.
UNWIND $technologies AS key
MATCH (p:Region|Enterprise)-[r:PROVIDES]->(t:Technology {_generation: $generation, id: key})
WITH t, p, r,
     CASE WHEN p:Region THEN p.code
          ELSE COLLECT {
                 MATCH (p)-[l:LOCATED_IN]->(x:Region)
                 WITH l, x ORDER BY l._row
                 RETURN x.code
               }[0]
     END AS home
WITH t, p, r, home,
     COLLECT {
       MATCH path = (:Region {code: home, _generation: $generation})-[:WITHIN*0..]->(u:Region)
       WITH path, u ORDER BY length(path)
       RETURN u
     } AS way_up
RETURN t.id AS technology,
       CASE WHEN p:Region THEN 'Region' ELSE 'Enterprise' END AS label,
       CASE WHEN p:Region THEN p.code ELSE p.id END AS key,
       p.name AS name,
       coalesce(head([u IN way_up WHERE u.level IN ['country', 'area'] | u.code]), last(way_up).code) AS unit,
       r.share AS share, r.year AS year,
       home IS NOT NULL AND EXISTS {
         MATCH (:Region {code: home, _generation: $generation})-[:WITHIN*0..]->(:Region {code: $perspective})
       } AS own,
       p:Region AND EXISTS { MATCH (:Region {code: $perspective})-[:WITHIN*1..]->(p) } AS encloses,
       r.source AS source, r.as_of AS as_of
ORDER BY r._row, technology, key
