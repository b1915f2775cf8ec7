// The dependency subgraph: every FEEDS, KEY_TO and SUBTYPE_OF between segments and technologies.
//
// Small (a few thousand relationships for a national graph): chainkg fetches it to
// compute the structural measures of queries/chokepoints.py with networkx (post-dominator
// subtrees and articulation points), which Cypher has no built-in for.
//
// Parameters:
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per relationship, in load order per type: type, from_label, from_key,
//          to_label and to_key (labels 'Segment' or 'Technology').
MATCH (a:Segment|Technology)-[r:FEEDS|KEY_TO|SUBTYPE_OF]->(b:Segment|Technology)
WHERE a._generation = $generation
RETURN type(r) AS type,
       CASE WHEN a:Segment THEN 'Segment' ELSE 'Technology' END AS from_label, a.id AS from_key,
       CASE WHEN b:Segment THEN 'Segment' ELSE 'Technology' END AS to_label, b.id AS to_key
ORDER BY type, r._row, from_key, to_key
