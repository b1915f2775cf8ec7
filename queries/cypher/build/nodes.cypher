// The node chunks of a generation that are in the database: how many rows of each chunk.
//
// A node chunk (nodes/*.load) creates rows start .. start + chunk size - 1 of its table,
// each with its row number in `_row`, in one transaction, so `_row / $chunk_size` names
// the chunk a node came with, and a chunk is there whole or not at all. The load asks once
// every node chunk has been acknowledged, before any relationship is sent: a chunk
// acknowledged but not there (a server that went away between a chunk's statement and its
// commit has answered a commit it never made; see build/chunks for relationships) is sent
// again, and its nodes' new element ids are the ones the relationships use. Scans every
// node once.
//
// Parameters:
//   $generation  the generation being loaded, e.g. 'g1'
//   $chunk_size  the rows per chunk the load sent, e.g. 20000
// Returns: one row per label and chunk present: labels (a list, e.g. ['Enterprise']),
//          chunk (the chunk's first row divided by $chunk_size) and nodes (its nodes there).
MATCH (n)
WHERE n._generation = $generation AND NOT n:ChainkgBuild
RETURN labels(n) AS labels, n._row / $chunk_size AS chunk, count(*) AS nodes
ORDER BY chunk
