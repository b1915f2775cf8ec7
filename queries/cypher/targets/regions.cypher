// The regions some regions lie within, each with its name and level: where the candidates are.
//
// Parameters:
//   $codes  list of GB/T 2260 codes (or other Region codes), e.g. ['320412', '310000']
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per code found as a Region: code and path (maps {code, name, level} on the
//          way up WITHIN, the region itself first); codes that are not a Region are left out.
UNWIND $codes AS code
MATCH (r:Region {_generation: $generation, code: code})
RETURN code,
       COLLECT {
         MATCH path = (r)-[:WITHIN*0..]->(a:Region)
         WITH a, length(path) AS depth ORDER BY depth
         RETURN {code: a.code, name: a.name, level: a.level}
       } AS path
ORDER BY code
