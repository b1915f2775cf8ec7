// The region hierarchy a map places its enterprises in: every region with its parent (WITHIN).
//
// The administrative divisions (GB/T 2260) and countries: reference data of a fixed size
// (about 3,200 regions), whatever the number of enterprises.
//
// Parameters:
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per region, in load order: code, name, short_name, level and parent (the
//          code of the region it lies WITHIN, the last in load order; null for a root).
MATCH (r:Region)
WHERE r._generation = $generation
RETURN r.code AS code, r.name AS name, r.short_name AS short_name, r.level AS level,
       COLLECT {
         MATCH (r)-[w:WITHIN]->(p:Region)
         WITH w, p ORDER BY w._row DESC
         RETURN p.code
       }[0] AS parent
ORDER BY r._row
