// 产业链图谱: the local operators of a map's segments, one row per operating fact (OPERATES_IN).
//
// Every OPERATES_IN into the segments whose source is not left out, from an enterprise with
// at least one location (LOCATED_IN, source not left out) in the region's subtree. The
// enterprises' own sources are not checked here: the store reads their rows by key next.
//
// Parameters:
//   $segments          list of Segment ids, e.g. ['s-mat', 's-part']
//   $region_codes      list of the codes of the region and every region within it, e.g. ['320400', '320412']
//   $columns           list of OPERATES_IN property names, e.g. ['products', 'main', 'source']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per fact: row (_row), from_key (the Enterprise's id), to_key (the Segment's id)
//          and values (in the order of $columns), in load order.
MATCH (s:Segment)
WHERE s._generation = $generation AND s.id IN $segments
MATCH (e:Enterprise)-[o:OPERATES_IN]->(s)
WHERE NOT coalesce(o.source, '') IN $excluded_sources
  AND EXISTS {
    MATCH (e)-[l:LOCATED_IN]->(r:Region)
    WHERE r.code IN $region_codes AND NOT coalesce(l.source, '') IN $excluded_sources
  }
RETURN o._row AS row, e.id AS from_key, s.id AS to_key, [property IN $columns | o[property]] AS values
ORDER BY row, from_key, to_key
