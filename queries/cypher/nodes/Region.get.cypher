// One Region node by its key `code`, with the properties asked for.
//
// Parameters:
//   $key      the code of the node, e.g. '320400'
//   $columns  list of property names, e.g. ['code', 'name', 'source']
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: at most one row: values (the properties in the order of $columns).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Region {_generation: $generation, code: $key})
RETURN [property IN $columns | n[property]] AS values
