// The key technologies of a chain's segments (KEY_TO), for the 短板长板 table.
//
// Facts from the sources in $excluded_sources (synthetic data not asked for) are left out.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per KEY_TO into a segment of the chain, in load order: technology, segment,
//          name, kind and mastered (someone MASTERS the technology, by a fact not left out).
MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
WITH DISTINCT s
MATCH (t:Technology)-[k:KEY_TO]->(s)
WHERE NOT coalesce(k.source, '') IN $excluded_sources
RETURN t.id AS technology, s.id AS segment, t.name AS name, t.kind AS kind,
       EXISTS {
         MATCH (:Enterprise)-[m:MASTERS]->(t)
         WHERE NOT coalesce(m.source, '') IN $excluded_sources
       } AS mastered
ORDER BY k._row
