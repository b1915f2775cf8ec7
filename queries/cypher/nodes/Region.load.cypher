// Load Region nodes into a new generation: create each with its key `code` and properties.
//
// A load writes into a generation of its own, empty when it starts, so every node is
// new: CREATE, not MERGE (half the work on the server: no locking index seek first).
// The uniqueness constraint on (_generation, code) still guards it: a chunk that the
// driver retries after its commit succeeded and only the answer was lost fails here,
// and chainkg runs that chunk again with nodes/Region.merge, which is idempotent. The
// rows come as columns (one list per property, all of one length): far less for the
// driver and the server to encode and decode than a map per row; every property is set
// by name, so the plan has no Eager step. A column that is missing, and a null in one,
// leave the property out. Run schema/constraints first.
//
// Parameters:
//   $keys     list of the nodes' keys (`code`), one per row
//          e.g. ['320400']
//   $columns  map of property name to a list of values, one per row, including
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. {name: ['…'], short_name: ['…'], level: ['…'], source: ['mini'], as_of: [date('2026-01-01')], _row: [0]}
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of nodes created, and ids, their element ids in the order of
// $keys (the relationship loads find their ends by them).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND range(0, size($keys) - 1) AS i
CREATE (n:Region {_generation: $generation, code: $keys[i],
  name: $columns.name[i],
  short_name: $columns.short_name[i],
  level: $columns.level[i],
  source: $columns.source[i],
  as_of: $columns.as_of[i],
  verified: $columns.verified[i],
  _row: $columns._row[i]})
RETURN count(n) AS merged, collect(elementId(n)) AS ids
