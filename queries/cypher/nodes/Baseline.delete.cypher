// Delete a batch of the Baseline nodes of one generation, with their relationships.
//
// A load runs it, for every generation but the current one, until it returns 0: what
// an earlier load left (the previous graph, or a load that was interrupted). Nodes
// without a generation (not written by chainkg) are never touched.
//
// Parameters:
//   $batch  how many nodes to delete in this transaction, e.g. 10000
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: deleted, the number of nodes deleted (0 when none are left).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Baseline)
WHERE n._generation = $generation AND n.id IS NOT NULL
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
