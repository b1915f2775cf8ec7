// A region and every region within it (WITHIN, followed transitively).
//
// "Local to 常州市" means anywhere in this subtree.
//
// Parameters:
//   $code  GB/T 2260 code or ISO alpha-3 country code of the root region, e.g. '320400'
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per region of the subtree, the root included: code, name and depth
//          (0 for the root, 1 for the regions directly within it, …).
MATCH path = (r:Region)-[:WITHIN*0..]->(:Region {code: $code, _generation: $generation})
RETURN r.code AS code, r.name AS name, min(length(path)) AS depth
ORDER BY depth, code
