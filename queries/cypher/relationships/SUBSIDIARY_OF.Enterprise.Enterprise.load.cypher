// Load SUBSIDIARY_OF relationships from Enterprise to Enterprise into a new generation: find both ends by element id, create the relationship.
//
// The enterprise is a subsidiary (子公司, 控股或全资) of the other, directly or through the group: a local subsidiary is local presence of its group (docs/gaps.md).
// A load writes into a generation of its own, empty when it starts, so every relationship
// is new: CREATE, not MERGE (no Expand(Into) over the ends' relationships, no merge lock).
// Each end is found by the element id its node load returned (a NodeByElementIdSeek:
// no index descent and no index-entry lock, as an index seek by key in a writing
// statement takes), then checked to carry the end's label and to be of this generation
// (an id that another load freed and reused matches nothing).
// The chunk first creates its marker, a :ChainkgBuild node with id $chunk, which the
// uniqueness constraint on ChainkgBuild.id lets exist once: a chunk that the driver
// retries after its commit succeeded (only the answer was lost) fails on it, and chainkg
// runs that chunk again with relationships/SUBSIDIARY_OF.Enterprise.Enterprise.merge, which is idempotent.
// The markers go with their generation (build/forget) or after the switch (build/unmark).
// The rows come as columns (one list per property, all of one length), set as one map
// (no Eager step in the plan). Load the nodes first; a row whose end is missing (a null
// id) creates nothing, and chainkg compares `merged` with the rows it sent to report it.
//
// chainkg also sends the ends' keys (for the MERGE form), which this statement does not read.
//
// Parameters:
//   $from_ids  list of the Enterprises' element ids (as nodes/Enterprise.load returned them), one per row,
//          e.g. ['4:5f1c…:0']
//   $to_ids    list of the Enterprises' element ids, one per row, e.g. ['4:5f1c…:1']
//   $columns  map of property name to a list of values, one per row, including
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. {as_written: ['…'], evidence: ['…'], source: ['…'], as_of: [date('2026-01-01')], _row: [0]}
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
//   $chunk    the chunk's marker id, unique in the database, e.g. 'g1/SUBSIDIARY_OF.Enterprise.Enterprise/0'
// Returns: merged, the number of relationships created.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
CREATE (chunk:ChainkgBuild {id: $chunk, _generation: $generation})
WITH chunk
UNWIND range(0, size($from_ids) - 1) AS i
MATCH (a:Enterprise)
WHERE elementId(a) = $from_ids[i] AND a._generation = $generation
MATCH (b:Enterprise)
WHERE elementId(b) = $to_ids[i] AND b._generation = $generation
CREATE (a)-[r:SUBSIDIARY_OF {as_written: $columns.as_written[i], evidence: $columns.evidence[i], source: $columns.source[i], as_of: $columns.as_of[i], verified: $columns.verified[i], _row: $columns._row[i]}]->(b)
RETURN count(r) AS merged
