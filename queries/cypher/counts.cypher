// How many nodes of each label and relationships of each type the database holds.
//
// Each COUNT is a single label or a single relationship type, the simplest pattern,
// which Neo4j can answer from its count store instead of scanning the graph.
// `chainkg neo4j check` compares these counts with the local build.
//
// Parameters: none.
// Returns: one row per label and relationship type of the schema: kind ('node' or
//          'relationship'), name and count.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND [
  ['node', 'Source', COUNT { MATCH (:Source) }],
  ['node', 'Region', COUNT { MATCH (:Region) }],
  ['node', 'Plan', COUNT { MATCH (:Plan) }],
  ['node', 'Cluster', COUNT { MATCH (:Cluster) }],
  ['node', 'Chain', COUNT { MATCH (:Chain) }],
  ['node', 'Segment', COUNT { MATCH (:Segment) }],
  ['node', 'Technology', COUNT { MATCH (:Technology) }],
  ['node', 'Enterprise', COUNT { MATCH (:Enterprise) }],
  ['node', 'Registration', COUNT { MATCH (:Registration) }],
  ['node', 'Platform', COUNT { MATCH (:Platform) }],
  ['node', 'Park', COUNT { MATCH (:Park) }],
  ['node', 'Project', COUNT { MATCH (:Project) }],
  ['node', 'MechanismItem', COUNT { MATCH (:MechanismItem) }],
  ['relationship', 'IN_PLAN', COUNT { MATCH ()-[:IN_PLAN]->() }],
  ['relationship', 'IN_CLUSTER', COUNT { MATCH ()-[:IN_CLUSTER]->() }],
  ['relationship', 'SEGMENT_OF', COUNT { MATCH ()-[:SEGMENT_OF]->() }],
  ['relationship', 'FEEDS', COUNT { MATCH ()-[:FEEDS]->() }],
  ['relationship', 'SUBTYPE_OF', COUNT { MATCH ()-[:SUBTYPE_OF]->() }],
  ['relationship', 'KEY_TO', COUNT { MATCH ()-[:KEY_TO]->() }],
  ['relationship', 'BREAKTHROUGH_FOR', COUNT { MATCH ()-[:BREAKTHROUGH_FOR]->() }],
  ['relationship', 'ANCHORS', COUNT { MATCH ()-[:ANCHORS]->() }],
  ['relationship', 'LEADS', COUNT { MATCH ()-[:LEADS]->() }],
  ['relationship', 'OPERATES_IN', COUNT { MATCH ()-[:OPERATES_IN]->() }],
  ['relationship', 'MASTERS', COUNT { MATCH ()-[:MASTERS]->() }],
  ['relationship', 'PROVIDES', COUNT { MATCH ()-[:PROVIDES]->() }],
  ['relationship', 'SUPPLIES', COUNT { MATCH ()-[:SUPPLIES]->() }],
  ['relationship', 'LOCATED_IN', COUNT { MATCH ()-[:LOCATED_IN]->() }],
  ['relationship', 'HAS_REGISTRATION', COUNT { MATCH ()-[:HAS_REGISTRATION]->() }],
  ['relationship', 'WITHIN', COUNT { MATCH ()-[:WITHIN]->() }],
  ['relationship', 'KEY_ENTERPRISE_OF', COUNT { MATCH ()-[:KEY_ENTERPRISE_OF]->() }],
  ['relationship', 'SERVES', COUNT { MATCH ()-[:SERVES]->() }],
  ['relationship', 'SUPPORTS', COUNT { MATCH ()-[:SUPPORTS]->() }],
  ['relationship', 'WORKS_ON', COUNT { MATCH ()-[:WORKS_ON]->() }],
  ['relationship', 'RUNS', COUNT { MATCH ()-[:RUNS]->() }],
  ['relationship', 'PLATFORM_LOCATED_IN', COUNT { MATCH ()-[:PLATFORM_LOCATED_IN]->() }],
  ['relationship', 'FOCUSES_ON', COUNT { MATCH ()-[:FOCUSES_ON]->() }],
  ['relationship', 'PARK_LOCATED_IN', COUNT { MATCH ()-[:PARK_LOCATED_IN]->() }],
  ['relationship', 'INVESTED_BY', COUNT { MATCH ()-[:INVESTED_BY]->() }],
  ['relationship', 'IN_CHAIN', COUNT { MATCH ()-[:IN_CHAIN]->() }],
  ['relationship', 'FOR_SEGMENT', COUNT { MATCH ()-[:FOR_SEGMENT]->() }],
  ['relationship', 'AT_PARK', COUNT { MATCH ()-[:AT_PARK]->() }],
  ['relationship', 'PROJECT_LOCATED_IN', COUNT { MATCH ()-[:PROJECT_LOCATED_IN]->() }],
  ['relationship', 'ITEM_OF', COUNT { MATCH ()-[:ITEM_OF]->() }]
] AS entry
RETURN entry[0] AS kind, entry[1] AS name, entry[2] AS count
