// Delete a batch of chainkg's nodes (every label of the schema) with their relationships.
//
// Run it again until it returns 0: `chainkg neo4j load --replace` does, before loading.
// Nodes with other labels are left alone.
//
// Parameters:
//   $batch  how many nodes to delete in this transaction, e.g. 10000
// Returns: deleted, the number of nodes deleted (0 when none are left).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Source|Region|Plan|Cluster|Chain|Segment|Technology|Enterprise|Registration|Platform|Park|Project|MechanismItem|ChainkgBuild)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
