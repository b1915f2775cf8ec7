// The codes of a region and of every region within it (WITHIN, followed transitively), as one list.
//
// What chainkg asks when it only needs to know which regions count as local (or national):
// one row with one list crosses Bolt in a fraction of the time one row per region takes
// (3,219 rows under CHN: ~10 ms against ~150-300 ms, the driver decoding each record).
//
// Parameters:
//   $code  GB/T 2260 code or ISO alpha-3 country code of the root region, e.g. '320400'
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row: codes (the root's code first when the root exists, then the others in no
//          particular order; an empty list when there is no such region).
OPTIONAL MATCH (root:Region {code: $code, _generation: $generation})
RETURN CASE WHEN root IS NULL THEN [] ELSE [root.code] + COLLECT {
         MATCH (root)<-[:WITHIN*1..]-(r:Region)
         RETURN DISTINCT r.code
       } END AS codes
