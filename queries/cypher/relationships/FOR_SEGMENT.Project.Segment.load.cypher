// Load FOR_SEGMENT relationships from Project to Segment into a new generation: match both ends by key, create the relationship.
//
// The project makes the segment's products.
// A load writes into a generation of its own, empty when it starts, so every relationship
// is new: CREATE, not MERGE (no Expand(Into) over the ends' relationships, no merge lock).
// The chunk first creates its marker, a :ChainkgBuild node with id $chunk, which the
// uniqueness constraint on ChainkgBuild.id lets exist once: a chunk that the driver
// retries after its commit succeeded (only the answer was lost) fails on it, and chainkg
// runs that chunk again with relationships/FOR_SEGMENT.Project.Segment.merge, which is idempotent.
// The markers go with their generation (build/forget) or after the switch (build/unmark).
// The rows come as columns (one list per property, all of one length), set as one map
// (no Eager step in the plan). Load the nodes first; a row whose end is missing creates
// nothing, and chainkg compares `merged` with the rows it sent to report it. Each end
// is found by the index of its label's uniqueness constraint on (_generation, key).
//
// Parameters:
//   $from     list of the Projects' id, one per row, e.g. ['k1']
//   $to       list of the Segments' id, one per row, e.g. ['s-mat']
//   $columns  map of property name to a list of values, one per row, including
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. {evidence: ['…'], source: ['…'], as_of: [date('2026-01-01')], _row: [0]}
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
//   $chunk    the chunk's marker id, unique in the database, e.g. 'g1/FOR_SEGMENT.Project.Segment/0'
// Returns: merged, the number of relationships created.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
CREATE (chunk:ChainkgBuild {id: $chunk, _generation: $generation})
WITH chunk
UNWIND range(0, size($from) - 1) AS i
MATCH (a:Project {_generation: $generation, id: $from[i]})
MATCH (b:Segment {_generation: $generation, id: $to[i]})
CREATE (a)-[r:FOR_SEGMENT {evidence: $columns.evidence[i], source: $columns.source[i], as_of: $columns.as_of[i], verified: $columns.verified[i], _row: $columns._row[i]}]->(b)
RETURN count(r) AS merged
