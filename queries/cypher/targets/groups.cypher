// The corporate groups of some enterprises: every SUBSIDIARY_OF / BRANCH_OF link among their members.
//
// A group is the set of enterprises linked through SUBSIDIARY_OF (子公司 → 母公司) or BRANCH_OF
// (分公司 → 总公司) in either direction, transitively; links from $excluded_sources do not count.
//
// Parameters:
//   $enterprises       list of Enterprise ids, e.g. ['e-c']
//   $excluded_sources  list of Source ids whose facts are left out, e.g. ['synthetic-demo'] (or [])
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per link of those groups: kind (the type), child, child_name, parent,
//          parent_name, as_written, source, as_of and verified; by child, kind, parent.
MATCH (e:Enterprise)
WHERE e._generation = $generation AND e.id IN $enterprises
MATCH (e) (()-[g:SUBSIDIARY_OF|BRANCH_OF]-() WHERE NOT g.source IN $excluded_sources)* (m:Enterprise)
WITH DISTINCT m
MATCH (m)-[link:SUBSIDIARY_OF|BRANCH_OF]->(parent:Enterprise)
WHERE NOT link.source IN $excluded_sources
WITH DISTINCT m, link, parent
RETURN type(link) AS kind, m.id AS child, m.name AS child_name, parent.id AS parent, parent.name AS parent_name,
       link.as_written AS as_written, link.source AS source, link.as_of AS as_of, link.verified AS verified
ORDER BY child, kind, parent, link._row
