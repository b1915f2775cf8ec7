// Show that the load holding the lock is alive; and learn whether it still holds it.
//
// Parameters:
//   $generation  the load's generation, e.g. 'g2'
// Returns: held (1 while the lock is this load's, 0 when another load took it over).
OPTIONAL MATCH (lock:ChainkgBuild {id: 'loading'})
WHERE lock.generation = $generation
SET lock.heartbeat = datetime()
RETURN count(lock) AS held
