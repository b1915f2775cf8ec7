// 招商目标: the capability facts of some enterprises for a chain's needs (能力匹配).
//
// The OPERATES_IN into a need segment, the MASTERS of a need technology and the PROVIDES
// of either, from the enterprises asked for; facts from $excluded_sources left out.
//
// Parameters:
//   $enterprises        list of Enterprise ids, e.g. ['e-c']
//   $segments           list of the need segments' ids, e.g. ['s-part', 's-svc']
//   $technologies       list of the need technologies' ids, e.g. ['t-ctrl']
//   $operates_columns   list of OPERATES_IN property names, e.g. ['products', 'main', 'source']
//   $masters_columns    list of MASTERS property names, e.g. ['note', 'source']
//   $provides_columns   list of PROVIDES property names, e.g. ['share', 'year', 'source']
//   $excluded_sources   list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per fact: rel ('OPERATES_IN', 'MASTERS' or 'PROVIDES'), row (_row),
//          from_key, to_key, to_label and values (in the order of that type's columns);
//          OPERATES_IN first, then MASTERS, then PROVIDES, each in load order.
MATCH (e:Enterprise)
WHERE e._generation = $generation AND e.id IN $enterprises
CALL (e) {
  MATCH (e)-[r:OPERATES_IN]->(s:Segment)
  WHERE s.id IN $segments AND NOT r.source IN $excluded_sources
  RETURN 0 AS part, 'OPERATES_IN' AS rel, r._row AS row, s.id AS to_key, 'Segment' AS to_label,
         [property IN $operates_columns | r[property]] AS values
  UNION ALL
  MATCH (e)-[r:MASTERS]->(t:Technology)
  WHERE t.id IN $technologies AND NOT r.source IN $excluded_sources
  RETURN 1 AS part, 'MASTERS' AS rel, r._row AS row, t.id AS to_key, 'Technology' AS to_label,
         [property IN $masters_columns | r[property]] AS values
  UNION ALL
  MATCH (e)-[r:PROVIDES]->(n:Segment|Technology)
  WHERE NOT r.source IN $excluded_sources
    AND ((n:Segment AND n.id IN $segments) OR (n:Technology AND n.id IN $technologies))
  RETURN 2 AS part, 'PROVIDES' AS rel, r._row AS row, n.id AS to_key,
         CASE WHEN n:Segment THEN 'Segment' ELSE 'Technology' END AS to_label,
         [property IN $provides_columns | r[property]] AS values
}
RETURN rel, row, e.id AS from_key, to_key, to_label, values
ORDER BY part, row, from_key, to_key
