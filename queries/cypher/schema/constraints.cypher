// Uniqueness constraints and indexes: run before any data is loaded (every load does).
//
// One uniqueness constraint per label on (_generation, key): a key is unique within a
// generation, and the constraint's index serves every MERGE and lookup by key and
// every label-wide read of one generation (graph/cypher.py). Composite property
// uniqueness constraints are in Neo4j 5 Community. Also one on the build records' id
// and a range index on 统一社会信用代码. Dropped: the single-key constraints of chainkg
// before generations (they would forbid the same key in two generations) and its text
// indexes on `name` (no statement used them, and they halved the speed of loading
// nodes: benchmarks/neo4j_scale.py). Everything is IF [NOT] EXISTS: running the script
// again changes nothing.
//
// Parameters: none.
// Returns: nothing.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
DROP CONSTRAINT source_id_unique IF EXISTS;
DROP CONSTRAINT region_code_unique IF EXISTS;
DROP CONSTRAINT plan_id_unique IF EXISTS;
DROP CONSTRAINT cluster_id_unique IF EXISTS;
DROP CONSTRAINT chain_id_unique IF EXISTS;
DROP CONSTRAINT segment_id_unique IF EXISTS;
DROP CONSTRAINT technology_id_unique IF EXISTS;
DROP CONSTRAINT enterprise_id_unique IF EXISTS;
DROP CONSTRAINT registration_id_unique IF EXISTS;
DROP CONSTRAINT platform_id_unique IF EXISTS;
DROP CONSTRAINT park_id_unique IF EXISTS;
DROP CONSTRAINT project_id_unique IF EXISTS;
DROP CONSTRAINT mechanismitem_id_unique IF EXISTS;
DROP CONSTRAINT baseline_id_unique IF EXISTS;
CREATE CONSTRAINT source_generation_id_unique IF NOT EXISTS FOR (n:Source) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT region_generation_code_unique IF NOT EXISTS FOR (n:Region) REQUIRE (n._generation, n.code) IS UNIQUE;
CREATE CONSTRAINT plan_generation_id_unique IF NOT EXISTS FOR (n:Plan) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT cluster_generation_id_unique IF NOT EXISTS FOR (n:Cluster) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT chain_generation_id_unique IF NOT EXISTS FOR (n:Chain) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT segment_generation_id_unique IF NOT EXISTS FOR (n:Segment) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT technology_generation_id_unique IF NOT EXISTS FOR (n:Technology) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT enterprise_generation_id_unique IF NOT EXISTS FOR (n:Enterprise) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT registration_generation_id_unique IF NOT EXISTS FOR (n:Registration) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT platform_generation_id_unique IF NOT EXISTS FOR (n:Platform) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT park_generation_id_unique IF NOT EXISTS FOR (n:Park) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT project_generation_id_unique IF NOT EXISTS FOR (n:Project) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT mechanismitem_generation_id_unique IF NOT EXISTS FOR (n:MechanismItem) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT baseline_generation_id_unique IF NOT EXISTS FOR (n:Baseline) REQUIRE (n._generation, n.id) IS UNIQUE;
CREATE CONSTRAINT chainkgbuild_id_unique IF NOT EXISTS FOR (n:ChainkgBuild) REQUIRE n.id IS UNIQUE;
DROP INDEX region_name_text IF EXISTS;
DROP INDEX plan_name_text IF EXISTS;
DROP INDEX cluster_name_text IF EXISTS;
DROP INDEX chain_name_text IF EXISTS;
DROP INDEX segment_name_text IF EXISTS;
DROP INDEX technology_name_text IF EXISTS;
DROP INDEX enterprise_name_text IF EXISTS;
CREATE INDEX enterprise_uscc IF NOT EXISTS FOR (n:Enterprise) ON (n.uscc);
DROP INDEX registration_name_text IF EXISTS;
CREATE INDEX registration_uscc IF NOT EXISTS FOR (n:Registration) ON (n.uscc);
DROP INDEX platform_name_text IF EXISTS;
DROP INDEX park_name_text IF EXISTS;
DROP INDEX project_name_text IF EXISTS;
DROP INDEX baseline_name_text IF EXISTS;
