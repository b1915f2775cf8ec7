// Load BREAKTHROUGH_FOR relationships from Technology to Cluster: match both ends by key in the generation, merge the relationship.
//
// The cluster is to make a breakthrough in the technology (…方面有突破).
// Idempotent: a second run with the same rows leaves the graph as it was. Load the
// nodes first; a row whose end is missing merges nothing, and chainkg compares
// `merged` with the rows it sent to report it.
//
// Parameters:
//   $rows  list of maps {from, to, props}: from is the Technology's id, to the Cluster's id
//          e.g. [{from: 't-ctl', to: 'cl-demo', props: {target_year: 2022, source: '…', as_of: date('2026-01-01'), _row: 0}}]
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of relationships merged.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND $rows AS row
MATCH (a:Technology {_generation: $generation, id: row.from})
MATCH (b:Cluster {_generation: $generation, id: row.to})
MERGE (a)-[r:BREAKTHROUGH_FOR]->(b)
SET r += row.props
RETURN count(r) AS merged
