// One Region node by its key `code`, with the properties asked for.
//
// Parameters:
//   $key      the code of the node, e.g. '320400'
//   $columns  list of property names, e.g. ['code', 'name', 'source']
// Returns: at most one row: values (the properties in the order of $columns).
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
MATCH (n:Region {code: $key})
RETURN [property IN $columns | n[property]] AS values
