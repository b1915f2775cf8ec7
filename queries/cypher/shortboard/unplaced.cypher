// Technologies a chain's clusters must break through (BREAKTHROUGH_FOR) that are key to no segment.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per technology, by key: key and name.
MATCH (:Chain {id: $chain, _generation: $generation})-[:IN_CLUSTER]->(k:Cluster)
WITH DISTINCT k
MATCH (t:Technology)-[b:BREAKTHROUGH_FOR]->(k)
WHERE NOT coalesce(b.source, '') IN $excluded_sources AND NOT EXISTS { MATCH (t)-[:KEY_TO]->(:Segment) }
WITH DISTINCT t
RETURN t.id AS key, t.name AS name
ORDER BY key
