// The regions some texts name, by code, by name or short name (as written, or with 省 / 市 added), each with its province.
//
// Scans the Region names of the generation inside the database (a few thousand nodes); only the
// regions named cross Bolt. rank says how a region matched its text: 0 its code, 1 its name or
// short name, 2 that with 省 added (浙江 → 浙江省), 3 with 市 added (苏州 → 苏州市).
//
// Parameters:
//   $texts  list of what a person typed, e.g. ['浙江', '苏州市', '330000']
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per (text, region) matched: text, code, rank and province (the code of the
//          first region of level 'province' on the way up WITHIN, the region itself first; null
//          when none), by text, rank and code.
UNWIND $texts AS text
MATCH (r:Region)
WHERE r._generation = $generation
  AND (r.code = text OR r.name IN [text, text + '省', text + '市'] OR r.short_name IN [text, text + '省', text + '市'])
WITH text, r,
     CASE WHEN r.code = text THEN 0
          WHEN r.name = text OR r.short_name = text THEN 1
          WHEN r.name = text + '省' OR r.short_name = text + '省' THEN 2
          ELSE 3 END AS rank
RETURN text, r.code AS code, rank,
       COLLECT {
         MATCH path = (r)-[:WITHIN*0..]->(a:Region)
         WHERE a.level = 'province'
         WITH a, length(path) AS depth ORDER BY depth
         RETURN a.code
         LIMIT 1
       }[0] AS province
ORDER BY text, rank, code
