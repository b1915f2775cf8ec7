// How many nodes of each label and relationships of each type the database holds.
//
// Every count is answered from Neo4j's count store, without scanning the graph.
// `chainkg neo4j check` compares these counts with the local build.
//
// Parameters: none.
// Returns: one row per label and relationship type of the schema: kind ('node' or
//          'relationship'), name and count.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Source) RETURN 'node' AS kind, 'Source' AS name, count(n) AS count
UNION ALL
MATCH (n:Region) RETURN 'node' AS kind, 'Region' AS name, count(n) AS count
UNION ALL
MATCH (n:Plan) RETURN 'node' AS kind, 'Plan' AS name, count(n) AS count
UNION ALL
MATCH (n:Cluster) RETURN 'node' AS kind, 'Cluster' AS name, count(n) AS count
UNION ALL
MATCH (n:Chain) RETURN 'node' AS kind, 'Chain' AS name, count(n) AS count
UNION ALL
MATCH (n:Segment) RETURN 'node' AS kind, 'Segment' AS name, count(n) AS count
UNION ALL
MATCH (n:Technology) RETURN 'node' AS kind, 'Technology' AS name, count(n) AS count
UNION ALL
MATCH (n:Enterprise) RETURN 'node' AS kind, 'Enterprise' AS name, count(n) AS count
UNION ALL
MATCH ()-[r:IN_PLAN]->() RETURN 'relationship' AS kind, 'IN_PLAN' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:IN_CLUSTER]->() RETURN 'relationship' AS kind, 'IN_CLUSTER' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:SEGMENT_OF]->() RETURN 'relationship' AS kind, 'SEGMENT_OF' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:FEEDS]->() RETURN 'relationship' AS kind, 'FEEDS' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:SUBTYPE_OF]->() RETURN 'relationship' AS kind, 'SUBTYPE_OF' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:KEY_TO]->() RETURN 'relationship' AS kind, 'KEY_TO' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:BREAKTHROUGH_FOR]->() RETURN 'relationship' AS kind, 'BREAKTHROUGH_FOR' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:ANCHORS]->() RETURN 'relationship' AS kind, 'ANCHORS' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:LEADS]->() RETURN 'relationship' AS kind, 'LEADS' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:OPERATES_IN]->() RETURN 'relationship' AS kind, 'OPERATES_IN' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:MASTERS]->() RETURN 'relationship' AS kind, 'MASTERS' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:PROVIDES]->() RETURN 'relationship' AS kind, 'PROVIDES' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:SUPPLIES]->() RETURN 'relationship' AS kind, 'SUPPLIES' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:LOCATED_IN]->() RETURN 'relationship' AS kind, 'LOCATED_IN' AS name, count(r) AS count
UNION ALL
MATCH ()-[r:WITHIN]->() RETURN 'relationship' AS kind, 'WITHIN' AS name, count(r) AS count
