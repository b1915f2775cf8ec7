// Nodes chainkg did not write: a database that holds another graph, before a load.
//
// chainkg's nodes all carry a generation (_generation) or are its build records. Any
// other node, whatever its labels, belongs to someone else: `chainkg neo4j load`
// refuses to load beside it unless told to (--force), and never deletes it. Scans every
// node once.
//
// Parameters:
//   $limit  how many label combinations to list, e.g. 10
// Returns: one row per combination of labels, the most frequent first: labels (a list),
//          nodes (how many nodes carry exactly those labels) and chainkg_labels (whether
//          one of them is a label of chainkg's schema: 'Source', 'Region', 'Plan', 'Cluster', 'Chain', 'Segment', 'Technology', 'Enterprise', 'Registration', 'Platform', 'Park', 'Project', 'MechanismItem', 'Baseline', 'ChainkgBuild').
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n)
WHERE n._generation IS NULL AND NOT n:ChainkgBuild
WITH labels(n) AS labels, count(*) AS nodes
RETURN labels, nodes, any(label IN labels WHERE label IN ['Source', 'Region', 'Plan', 'Cluster', 'Chain', 'Segment', 'Technology', 'Enterprise', 'Registration', 'Platform', 'Park', 'Project', 'MechanismItem', 'Baseline', 'ChainkgBuild']) AS chainkg_labels
ORDER BY nodes DESC, labels
LIMIT $limit
