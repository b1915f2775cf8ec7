// The server's product name, version and edition (`chainkg neo4j check`).
//
// Parameters: none.
// Returns: one row per component (a Neo4j server has one): name (e.g. 'Neo4j Kernel'),
//          version (e.g. '5.26.0') and edition ('community' or 'enterprise').
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
