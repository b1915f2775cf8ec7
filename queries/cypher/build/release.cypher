// Give the load lock back (a load that failed; a finished load releases it in build/switch).
//
// Parameters:
//   $generation  the load's generation, e.g. 'g2'
// Returns: released (1 when this load held the lock, else 0).
OPTIONAL MATCH (lock:ChainkgBuild {id: 'loading'})
WHERE lock.generation = $generation
REMOVE lock.generation, lock.host, lock.pid, lock.started_at, lock.heartbeat
RETURN count(lock) AS released
