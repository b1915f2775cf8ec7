// A chain for the gap analysis: its clusters, segments and the FEEDS between its segments.
//
// Parameters:
//   $chain  the Chain's id, e.g. 'ch-demo'
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: at most one row: key, name, source, clusters (maps {key, name} by key), segments
//          (maps {key, name, position, layer}, in load order) and feeds (maps {from, to}:
//          FEEDS from one segment of the chain to another, in load order).
MATCH (c:Chain {id: $chain, _generation: $generation})
RETURN c.id AS key, c.name AS name, c.source AS source,
       COLLECT {
         MATCH (c)-[:IN_CLUSTER]->(k:Cluster)
         WITH DISTINCT k ORDER BY k.id
         RETURN {key: k.id, name: k.name}
       } AS clusters,
       COLLECT {
         MATCH (s:Segment)-[:SEGMENT_OF]->(c)
         WITH DISTINCT s ORDER BY s._row, s.id
         RETURN {key: s.id, name: s.name, position: s.position, layer: s.layer}
       } AS segments,
       COLLECT {
         MATCH (a:Segment)-[f:FEEDS]->(b:Segment)
         WHERE a._generation = $generation AND EXISTS { MATCH (a)-[:SEGMENT_OF]->(c) } AND EXISTS { MATCH (b)-[:SEGMENT_OF]->(c) }
         WITH a, b, f ORDER BY f._row
         RETURN {from: a.id, to: b.id}
       } AS feeds
