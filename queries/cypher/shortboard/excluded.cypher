// How many synthetic facts the 短板长板 table of a chain leaves out, beyond the gap analysis's.
//
// Counted as the embedded store counts them, stage by stage: the KEY_TO into the chain's
// segments, the OPERATES_IN into them, the MASTERS of their key technologies, the PROVIDES
// into the segments or key technologies, the enterprises reached by the facts kept, the
// locations (LOCATED_IN) of the enterprises kept, and the BREAKTHROUGH_FOR into the chain's
// clusters, whose source is in $excluded_sources.
//
// Parameters:
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row: excluded.
CALL () {
  MATCH (:Technology)-[k:KEY_TO]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
  WHERE coalesce(k.source, '') IN $excluded_sources
  RETURN count(DISTINCT k) AS excluded
  UNION ALL
  MATCH (:Enterprise)-[o:OPERATES_IN]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
  WHERE coalesce(o.source, '') IN $excluded_sources
  RETURN count(DISTINCT o) AS excluded
  UNION ALL
  MATCH (t:Technology)-[k:KEY_TO]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
  WHERE NOT coalesce(k.source, '') IN $excluded_sources
  WITH DISTINCT t
  MATCH (:Enterprise)-[m:MASTERS]->(t)
  WHERE coalesce(m.source, '') IN $excluded_sources
  RETURN count(DISTINCT m) AS excluded
  UNION ALL
  CALL () {
    MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
    RETURN s AS target
    UNION
    MATCH (t:Technology)-[k:KEY_TO]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
    WHERE NOT coalesce(k.source, '') IN $excluded_sources
    RETURN t AS target
  }
  MATCH ()-[v:PROVIDES]->(target)
  WHERE coalesce(v.source, '') IN $excluded_sources
  RETURN count(DISTINCT v) AS excluded
  UNION ALL
  CALL () {
    MATCH (e:Enterprise)-[o:OPERATES_IN]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
    WHERE NOT coalesce(o.source, '') IN $excluded_sources
    RETURN e
    UNION
    MATCH (e:Enterprise)-[m:MASTERS]->(:Technology)-[k:KEY_TO]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
    WHERE NOT coalesce(m.source, '') IN $excluded_sources AND NOT coalesce(k.source, '') IN $excluded_sources
    RETURN e
    UNION
    MATCH (e:Enterprise)-[v:PROVIDES]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
    WHERE NOT coalesce(v.source, '') IN $excluded_sources
    RETURN e
    UNION
    MATCH (e:Enterprise)-[v:PROVIDES]->(:Technology)-[k:KEY_TO]->(:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain, _generation: $generation})
    WHERE NOT coalesce(v.source, '') IN $excluded_sources AND NOT coalesce(k.source, '') IN $excluded_sources
    RETURN e
  }
  WITH e
  OPTIONAL MATCH (e)-[l:LOCATED_IN]->(:Region)
  WHERE NOT coalesce(e.source, '') IN $excluded_sources AND coalesce(l.source, '') IN $excluded_sources
  RETURN count(DISTINCT CASE WHEN coalesce(e.source, '') IN $excluded_sources THEN e END) + count(DISTINCT l) AS excluded
  UNION ALL
  MATCH (:Chain {id: $chain, _generation: $generation})-[:IN_CLUSTER]->(k:Cluster)
  WITH DISTINCT k
  MATCH (:Technology)-[b:BREAKTHROUGH_FOR]->(k)
  WHERE coalesce(b.source, '') IN $excluded_sources
  RETURN count(DISTINCT b) AS excluded
}
RETURN sum(excluded) AS excluded
