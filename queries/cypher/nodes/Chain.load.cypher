// Load Chain nodes into a new generation: create each with its key `id` and properties.
//
// A load writes into a generation of its own, empty when it starts, so every node is
// new: CREATE, not MERGE (half the work on the server: no locking index seek first).
// The uniqueness constraint on (_generation, id) still guards it: a chunk that the
// driver retries after its commit succeeded and only the answer was lost fails here,
// and chainkg runs that chunk again with nodes/Chain.merge, which is idempotent. The
// rows come as columns (one list per property, all of one length): far less for the
// driver and the server to encode and decode than a map per row; every property is set
// by name, so the plan has no Eager step. A column that is missing, and a null in one,
// leave the property out. Run schema/constraints first.
//
// Parameters:
//   $keys     list of the nodes' keys (`id`), one per row
//          e.g. ['ch-demo']
//   $columns  map of property name to a list of values, one per row, including
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. {name: ['…'], aliases: [['甲材料', '甲公司']], region: ['…'], source: ['mini'], as_of: [date('2026-01-01')], _row: [0]}
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of nodes created, and ids, their element ids in the order of
// $keys (the relationship loads find their ends by them).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND range(0, size($keys) - 1) AS i
CREATE (n:Chain {_generation: $generation, id: $keys[i],
  name: $columns.name[i],
  aliases: $columns.aliases[i],
  region: $columns.region[i],
  advantage_chain: $columns.advantage_chain[i],
  mechanism: $columns.mechanism[i],
  city_leader: $columns.city_leader[i],
  lead_department: $columns.lead_department[i],
  target_scale_yi: $columns.target_scale_yi[i],
  target_year: $columns.target_year[i],
  description: $columns.description[i],
  source: $columns.source[i],
  as_of: $columns.as_of[i],
  verified: $columns.verified[i],
  _row: $columns._row[i]})
RETURN count(n) AS merged, collect(elementId(n)) AS ids
