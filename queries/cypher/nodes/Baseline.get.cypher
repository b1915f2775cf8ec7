// One Baseline node by its key `id`, with the properties asked for.
//
// Parameters:
//   $key      the id of the node, e.g. 'k1'
//   $columns  list of property names, e.g. ['id', 'name', 'source']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: at most one row: values (the properties in the order of $columns).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Baseline {_generation: $generation, id: $key})
RETURN [property IN $columns | n[property]] AS values
