// Uniqueness constraints and indexes: run once before any data is loaded.
//
// One uniqueness constraint per label on its key (this also gives the index every
// MERGE and lookup by key uses), a text index on `name` for the name search, and a
// range index on 统一社会信用代码. All are IF NOT EXISTS: running the script again
// changes nothing. Works on Neo4j 5 Community.
//
// Parameters: none.
// Returns: nothing.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
CREATE CONSTRAINT source_id_unique IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT region_code_unique IF NOT EXISTS FOR (n:Region) REQUIRE n.code IS UNIQUE;
CREATE CONSTRAINT plan_id_unique IF NOT EXISTS FOR (n:Plan) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cluster_id_unique IF NOT EXISTS FOR (n:Cluster) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chain_id_unique IF NOT EXISTS FOR (n:Chain) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT segment_id_unique IF NOT EXISTS FOR (n:Segment) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT technology_id_unique IF NOT EXISTS FOR (n:Technology) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT enterprise_id_unique IF NOT EXISTS FOR (n:Enterprise) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT registration_id_unique IF NOT EXISTS FOR (n:Registration) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT platform_id_unique IF NOT EXISTS FOR (n:Platform) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT park_id_unique IF NOT EXISTS FOR (n:Park) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT project_id_unique IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mechanismitem_id_unique IF NOT EXISTS FOR (n:MechanismItem) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chainkgbuild_id_unique IF NOT EXISTS FOR (n:ChainkgBuild) REQUIRE n.id IS UNIQUE;
CREATE TEXT INDEX region_name_text IF NOT EXISTS FOR (n:Region) ON (n.name);
CREATE TEXT INDEX plan_name_text IF NOT EXISTS FOR (n:Plan) ON (n.name);
CREATE TEXT INDEX cluster_name_text IF NOT EXISTS FOR (n:Cluster) ON (n.name);
CREATE TEXT INDEX chain_name_text IF NOT EXISTS FOR (n:Chain) ON (n.name);
CREATE TEXT INDEX segment_name_text IF NOT EXISTS FOR (n:Segment) ON (n.name);
CREATE TEXT INDEX technology_name_text IF NOT EXISTS FOR (n:Technology) ON (n.name);
CREATE TEXT INDEX enterprise_name_text IF NOT EXISTS FOR (n:Enterprise) ON (n.name);
CREATE INDEX enterprise_uscc IF NOT EXISTS FOR (n:Enterprise) ON (n.uscc);
CREATE TEXT INDEX registration_name_text IF NOT EXISTS FOR (n:Registration) ON (n.name);
CREATE INDEX registration_uscc IF NOT EXISTS FOR (n:Registration) ON (n.uscc);
CREATE TEXT INDEX platform_name_text IF NOT EXISTS FOR (n:Platform) ON (n.name);
CREATE TEXT INDEX park_name_text IF NOT EXISTS FOR (n:Park) ON (n.name);
CREATE TEXT INDEX project_name_text IF NOT EXISTS FOR (n:Project) ON (n.name);
