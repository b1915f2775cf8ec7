// The enterprises of a chain as a whole: how many, where they are, national size totals.
//
// Each enterprise that OPERATES_IN a segment of the chain counts once. It is national
// when one of its locations is among $nation_codes, foreign when it has locations but
// none there, unlocated when it has none. Facts from the sources in $excluded_sources
// are ignored.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $nation_codes      list of Region codes within China, e.g. ['CHN', '320000', '320400']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. [] (or ['synthetic-demo'])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row: enterprises_in_chain, unlocated_enterprises, foreign_enterprises, and over
//          the national ones enterprises, revenue_yi, revenue_known, employees, employees_known.
OPTIONAL MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment)
WHERE NOT o.source IN $excluded_sources AND NOT e.source IN $excluded_sources
  AND s._generation = $generation AND EXISTS { MATCH (s)-[:SEGMENT_OF]->(:Chain {id: $chain}) }
WITH DISTINCT e
WITH e, COLLECT {
          MATCH (e)-[l:LOCATED_IN]->(r:Region)
          WHERE NOT l.source IN $excluded_sources
          RETURN r.code
        } AS places
WITH e, size(places) > 0 AS located, any(code IN places WHERE code IN $nation_codes) AS national
RETURN count(e) AS enterprises_in_chain,
       count(CASE WHEN e IS NOT NULL AND NOT located THEN 1 END) AS unlocated_enterprises,
       count(CASE WHEN located AND NOT national THEN 1 END) AS foreign_enterprises,
       count(CASE WHEN national THEN 1 END) AS enterprises,
       sum(CASE WHEN national THEN coalesce(e.revenue_yi, 0.0) ELSE 0.0 END) AS revenue_yi,
       count(CASE WHEN national THEN e.revenue_yi END) AS revenue_known,
       sum(CASE WHEN national THEN coalesce(e.employees, 0) ELSE 0 END) AS employees,
       count(CASE WHEN national THEN e.employees END) AS employees_known
