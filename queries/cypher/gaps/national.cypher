// National counts and size totals per segment of a chain: enterprises located in China.
//
// Counts each enterprise once per segment it OPERATES_IN, when one of its locations is
// among $nation_codes (CHN and every region within it); sums revenue_yi (营收, 亿元) and
// employees (从业人数) where known and counts how many are known. Facts from the sources
// in $excluded_sources are ignored.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $nation_codes      list of Region codes within China, e.g. ['CHN', '320000', '320400']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. [] (or ['synthetic-demo'])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per segment of the chain: segment, enterprises, revenue_yi,
//          revenue_known, employees and employees_known (0 where none).
MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
WITH DISTINCT s
OPTIONAL MATCH (e:Enterprise)-[o:OPERATES_IN]->(s)
WHERE NOT o.source IN $excluded_sources AND NOT e.source IN $excluded_sources
  AND EXISTS {
    MATCH (e)-[l:LOCATED_IN]->(r:Region)
    WHERE r.code IN $nation_codes AND NOT l.source IN $excluded_sources
  }
WITH DISTINCT s, e
RETURN s.id AS segment, count(e) AS enterprises,
       sum(coalesce(e.revenue_yi, 0.0)) AS revenue_yi, count(e.revenue_yi) AS revenue_known,
       sum(coalesce(e.employees, 0)) AS employees, count(e.employees) AS employees_known
ORDER BY segment
