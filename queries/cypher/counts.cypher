// How many nodes of each label and relationships of each type one generation holds.
//
// Nodes are counted through the index on (_generation, key); relationships from the
// nodes of the generation they start at. `chainkg neo4j check` compares these counts
// with the local build.
//
// Parameters:
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: one row per label and relationship type of the schema: kind ('node' or
//          'relationship'), name and count.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND [
  ['node', 'Source', COUNT { MATCH (n:Source) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Region', COUNT { MATCH (n:Region) WHERE n._generation = $generation AND n.code IS NOT NULL }],
  ['node', 'Plan', COUNT { MATCH (n:Plan) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Cluster', COUNT { MATCH (n:Cluster) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Chain', COUNT { MATCH (n:Chain) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Segment', COUNT { MATCH (n:Segment) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Technology', COUNT { MATCH (n:Technology) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Enterprise', COUNT { MATCH (n:Enterprise) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Registration', COUNT { MATCH (n:Registration) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Platform', COUNT { MATCH (n:Platform) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Park', COUNT { MATCH (n:Park) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Project', COUNT { MATCH (n:Project) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'MechanismItem', COUNT { MATCH (n:MechanismItem) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['node', 'Baseline', COUNT { MATCH (n:Baseline) WHERE n._generation = $generation AND n.id IS NOT NULL }],
  ['relationship', 'IN_PLAN', COUNT { MATCH (a:Cluster)-[:IN_PLAN]->() WHERE a._generation = $generation }],
  ['relationship', 'IN_CLUSTER', COUNT { MATCH (a:Chain)-[:IN_CLUSTER]->() WHERE a._generation = $generation }],
  ['relationship', 'SEGMENT_OF', COUNT { MATCH (a:Segment)-[:SEGMENT_OF]->() WHERE a._generation = $generation }],
  ['relationship', 'FEEDS', COUNT { MATCH (a:Segment|Technology)-[:FEEDS]->() WHERE a._generation = $generation }],
  ['relationship', 'SUBTYPE_OF', COUNT { MATCH (a:Segment|Technology)-[:SUBTYPE_OF]->() WHERE a._generation = $generation }],
  ['relationship', 'KEY_TO', COUNT { MATCH (a:Technology)-[:KEY_TO]->() WHERE a._generation = $generation }],
  ['relationship', 'BREAKTHROUGH_FOR', COUNT { MATCH (a:Technology)-[:BREAKTHROUGH_FOR]->() WHERE a._generation = $generation }],
  ['relationship', 'ANCHORS', COUNT { MATCH (a:Enterprise)-[:ANCHORS]->() WHERE a._generation = $generation }],
  ['relationship', 'LEADS', COUNT { MATCH (a:Enterprise)-[:LEADS]->() WHERE a._generation = $generation }],
  ['relationship', 'OPERATES_IN', COUNT { MATCH (a:Enterprise)-[:OPERATES_IN]->() WHERE a._generation = $generation }],
  ['relationship', 'MASTERS', COUNT { MATCH (a:Enterprise)-[:MASTERS]->() WHERE a._generation = $generation }],
  ['relationship', 'PROVIDES', COUNT { MATCH (a:Enterprise|Region)-[:PROVIDES]->() WHERE a._generation = $generation }],
  ['relationship', 'SUPPLIES', COUNT { MATCH (a:Enterprise)-[:SUPPLIES]->() WHERE a._generation = $generation }],
  ['relationship', 'LOCATED_IN', COUNT { MATCH (a:Enterprise)-[:LOCATED_IN]->() WHERE a._generation = $generation }],
  ['relationship', 'SUBSIDIARY_OF', COUNT { MATCH (a:Enterprise)-[:SUBSIDIARY_OF]->() WHERE a._generation = $generation }],
  ['relationship', 'BRANCH_OF', COUNT { MATCH (a:Enterprise)-[:BRANCH_OF]->() WHERE a._generation = $generation }],
  ['relationship', 'HAS_REGISTRATION', COUNT { MATCH (a:Enterprise)-[:HAS_REGISTRATION]->() WHERE a._generation = $generation }],
  ['relationship', 'WITHIN', COUNT { MATCH (a:Region)-[:WITHIN]->() WHERE a._generation = $generation }],
  ['relationship', 'KEY_ENTERPRISE_OF', COUNT { MATCH (a:Enterprise)-[:KEY_ENTERPRISE_OF]->() WHERE a._generation = $generation }],
  ['relationship', 'SERVES', COUNT { MATCH (a:Platform)-[:SERVES]->() WHERE a._generation = $generation }],
  ['relationship', 'SUPPORTS', COUNT { MATCH (a:Platform)-[:SUPPORTS]->() WHERE a._generation = $generation }],
  ['relationship', 'WORKS_ON', COUNT { MATCH (a:Platform)-[:WORKS_ON]->() WHERE a._generation = $generation }],
  ['relationship', 'RUNS', COUNT { MATCH (a:Enterprise)-[:RUNS]->() WHERE a._generation = $generation }],
  ['relationship', 'PLATFORM_LOCATED_IN', COUNT { MATCH (a:Platform)-[:PLATFORM_LOCATED_IN]->() WHERE a._generation = $generation }],
  ['relationship', 'FOCUSES_ON', COUNT { MATCH (a:Park)-[:FOCUSES_ON]->() WHERE a._generation = $generation }],
  ['relationship', 'PARK_LOCATED_IN', COUNT { MATCH (a:Park)-[:PARK_LOCATED_IN]->() WHERE a._generation = $generation }],
  ['relationship', 'INVESTED_BY', COUNT { MATCH (a:Project)-[:INVESTED_BY]->() WHERE a._generation = $generation }],
  ['relationship', 'IN_CHAIN', COUNT { MATCH (a:Project)-[:IN_CHAIN]->() WHERE a._generation = $generation }],
  ['relationship', 'FOR_SEGMENT', COUNT { MATCH (a:Project)-[:FOR_SEGMENT]->() WHERE a._generation = $generation }],
  ['relationship', 'AT_PARK', COUNT { MATCH (a:Project)-[:AT_PARK]->() WHERE a._generation = $generation }],
  ['relationship', 'PROJECT_LOCATED_IN', COUNT { MATCH (a:Project)-[:PROJECT_LOCATED_IN]->() WHERE a._generation = $generation }],
  ['relationship', 'ITEM_OF', COUNT { MATCH (a:MechanismItem)-[:ITEM_OF]->() WHERE a._generation = $generation }]
] AS entry
RETURN entry[0] AS kind, entry[1] AS name, entry[2] AS count
