// Make a fully loaded generation the current graph, in one transaction, and release the lock.
//
// Readers that open after this see the new generation; readers already open keep the
// generation they pinned (it stays until the next load). Nothing switches unless this
// load still holds the lock and its build record exists.
//
// Parameters:
//   $generation  the generation to make current, e.g. 'g2'
// Returns: one row, with generation, when the switch happened; no row when the load lost its
//          lock or its record.
MATCH (b:ChainkgBuild {id: $generation, _generation: $generation})
MATCH (lock:ChainkgBuild {id: 'loading'})
WHERE lock.generation = $generation
MERGE (c:ChainkgBuild {id: 'current'})
SET c.generation = $generation, c.switched_at = datetime(), b.state = 'complete', b.loaded_at = datetime()
REMOVE lock.generation, lock.host, lock.pid, lock.started_at, lock.heartbeat
RETURN c.generation AS generation
