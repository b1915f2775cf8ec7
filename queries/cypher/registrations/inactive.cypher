// The enterprises of some segments that no longer operate (注销, 吊销, 撤销), each with the registration that says so.
//
// For each enterprise that operates in one of the segments (OPERATES_IN), its latest registration
// record with a status (HAS_REGISTRATION; latest by as_of, then source, then load order: a record
// without a date counts as the latest, as in ingest/importer/status.py); the enterprise is listed
// when that status is one of $inactive_statuses.
//
// Parameters:
//   $segments           list of Segment ids, e.g. ['s-mat', 's-part']
//   $inactive_statuses  list of registration statuses of a closed company, e.g. ['注销', '吊销', '撤销']
//   $generation  the generation the store reads, e.g. 'g1': see graph/cypher.py
// Returns: one row per inactive enterprise, by key: key, status, as_written (status_as_written),
//          source and as_of of its latest registration.
MATCH (s:Segment)
WHERE s._generation = $generation AND s.id IN $segments
MATCH (e:Enterprise)-[:OPERATES_IN]->(s)
WITH DISTINCT e
CALL (e) {
  MATCH (e)-[h:HAS_REGISTRATION]->(r:Registration)
  WHERE r.status IS NOT NULL AND r.status <> ''
  RETURN r
  ORDER BY r.as_of DESC, r.source DESC, h._row DESC
  LIMIT 1
}
WITH e, r
WHERE r.status IN $inactive_statuses
RETURN e.id AS key, r.status AS status, r.status_as_written AS as_written, r.source AS source, r.as_of AS as_of
ORDER BY key
