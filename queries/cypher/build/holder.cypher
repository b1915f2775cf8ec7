// Who holds the load lock, without claiming it (to see whether that load still runs).
//
// Parameters: none.
// Returns: at most one row: generation (null when free), host, pid, started_at and heartbeat.
MATCH (lock:ChainkgBuild {id: 'loading'})
RETURN lock.generation AS generation, lock.host AS host, lock.pid AS pid, lock.started_at AS started_at,
       lock.heartbeat AS heartbeat
