// Claim the load lock: one `chainkg neo4j load` writes at a time.
//
// The (:ChainkgBuild {id: 'loading'}) record names the load that holds the lock (its
// generation, host and process id) and when it last showed it is alive (heartbeat).
// The first SET takes the record's write lock, so two loads that claim at once are
// serialised and the second sees what the first wrote. The lock is free when nobody
// holds it, when the holder's heartbeat is older than $stale_seconds, or when the holder
// is $takeover (a load on this machine whose process no longer exists).
//
// Parameters:
//   $generation     the claiming load's generation, e.g. 'g2'
//   $host           the claiming machine's name, e.g. 'ci-runner-1'
//   $pid            the claiming process id, e.g. 4242
//   $stale_seconds  how old a heartbeat may be before the lock counts as abandoned, e.g. 120
//   $takeover       the generation of a holder known to be dead, or null, e.g. 'g1'
// Returns: one row: claimed (true when this load now holds the lock), and the holder's
//          generation, host, pid, started_at and heartbeat (after the claim).
MERGE (lock:ChainkgBuild {id: 'loading'})
SET lock.claims = coalesce(lock.claims, 0) + 1
WITH lock,
     lock.generation IS NULL OR lock.generation = $takeover OR lock.generation = $generation
     OR lock.heartbeat < datetime() - duration({seconds: $stale_seconds}) AS free
FOREACH (_ IN CASE WHEN free THEN [1] ELSE [] END |
  SET lock.generation = $generation, lock.host = $host, lock.pid = $pid,
      lock.started_at = datetime(), lock.heartbeat = datetime())
RETURN free AS claimed, lock.generation AS generation, lock.host AS host, lock.pid AS pid,
       lock.started_at AS started_at, lock.heartbeat AS heartbeat
