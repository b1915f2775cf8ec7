// The regions a region lies within, innermost first (县 → 市 → 省 → 国).
//
// Parameters:
//   $code  GB/T 2260 code of the region, e.g. '320412'
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per region on the way up, the region itself first: code, name and
//          depth (0 for the region itself).
MATCH path = (:Region {code: $code, _generation: $generation})-[:WITHIN*0..]->(a:Region)
RETURN a.code AS code, a.name AS name, length(path) AS depth
ORDER BY depth
