// 以商招商: what some enterprises supply to enterprises located in the region, and those customers' roles.
//
// Every SUPPLIES from one of $enterprises to an enterprise with a LOCATED_IN among
// $region_codes (facts from $excluded_sources left out), with the customer's name,
// designations and provenance, and the facts that make it a key enterprise or a 链主 of the
// chain: its LEADS to the chain and its ANCHORS to the chain's clusters.
//
// Parameters:
//   $enterprises       list of Enterprise ids (the candidates), e.g. ['e-c']
//   $chain             the Chain's id, e.g. 'ch-demo'
//   $region_codes      list of Region codes that count as local, e.g. ['320400', '320402', '320411']
//   $supplies_columns  list of SUPPLIES property names, e.g. ['product', 'year', 'share', 'source']
//   $customer_columns  list of Enterprise property names, e.g. ['name', 'designations', 'source']
//   $anchors_columns   list of ANCHORS property names, e.g. ['role', 'as_written', 'source']
//   $leads_columns     list of LEADS property names, e.g. ['source', 'as_of', 'verified']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per SUPPLIES, in load order: row (_row), from_key, to_key, values (in the
//          order of $supplies_columns), customer_row (the customer's _row), customer (its
//          values, in the order of $customer_columns), leads (lists of {row, values}) and
//          anchors (lists of {row, cluster, cluster_name, values}), each in load order.
MATCH (e:Enterprise)
WHERE e._generation = $generation AND e.id IN $enterprises
MATCH (e)-[r:SUPPLIES]->(c:Enterprise)
WHERE NOT r.source IN $excluded_sources
  AND EXISTS {
    MATCH (c)-[l:LOCATED_IN]->(x:Region)
    WHERE x.code IN $region_codes AND NOT l.source IN $excluded_sources
  }
RETURN r._row AS row, e.id AS from_key, c.id AS to_key, [property IN $supplies_columns | r[property]] AS values,
       c._row AS customer_row, [property IN $customer_columns | c[property]] AS customer,
       COLLECT {
         MATCH (c)-[l:LEADS]->(:Chain {id: $chain})
         WHERE NOT l.source IN $excluded_sources
         WITH l ORDER BY l._row
         RETURN {row: l._row, values: [property IN $leads_columns | l[property]]}
       } AS leads,
       COLLECT {
         MATCH (c)-[a:ANCHORS]->(k:Cluster)
         WHERE NOT a.source IN $excluded_sources AND EXISTS { MATCH (:Chain {id: $chain})-[:IN_CLUSTER]->(k) }
         WITH a, k ORDER BY a._row
         RETURN {row: a._row, cluster: k.id, cluster_name: k.name,
                 values: [property IN $anchors_columns | a[property]]}
       } AS anchors
ORDER BY row, from_key, to_key
