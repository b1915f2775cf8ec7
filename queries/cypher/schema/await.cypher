// Wait until every index is online (after schema/constraints created any), so a load's MERGEs seek.
//
// Parameters:
//   $seconds  how long to wait at most, e.g. 300
// Returns: nothing.
CALL db.awaitIndexes($seconds)
