// Every generation in the database that is not the current one: what a load deletes first.
//
// A generation's build record is written before its first node and deleted after its
// last one (build/begin, build/forget), so the records list every generation that has
// nodes: the previous graph, and any load that was interrupted.
//
// Parameters: none.
// Returns: one row per old generation, the oldest first: generation, state ('loading' or
//          'complete') and started_at.
OPTIONAL MATCH (c:ChainkgBuild {id: 'current'})
WITH c.generation AS current
MATCH (b:ChainkgBuild)
WHERE b._generation IS NOT NULL AND b._generation = b.id AND (current IS NULL OR b.id <> current)
RETURN b.id AS generation, b.state AS state, b.started_at AS started_at
ORDER BY started_at, generation
