// Load Registration nodes into a generation again: merge each by (generation, key `id`), then set its properties.
//
// Idempotent: a second run with the same rows leaves the graph as it was. chainkg runs
// it for a chunk of nodes/Registration.load that hit the uniqueness constraint (the driver
// retried a chunk whose commit had succeeded). Same parameters as nodes/Registration.load;
// the uniqueness constraint on (_generation, id) makes the MERGE an index seek.
//
// Parameters:
//   $keys     list of the nodes' keys (`id`), one per row
//          e.g. ['k1']
//   $columns  map of property name to a list of values, one per row, including
//          `_row`, the row's position in its table (reads keep that order)
//          e.g. {name: ['…'], uscc: ['…'], registered_capital_wan: [12.5], source: ['mini'], as_of: [date('2026-01-01')], _row: [0]}
//   $generation  the generation (load) to read or write, e.g. 'g1': see graph/cypher.py
// Returns: merged, the number of rows merged, and ids, the nodes' element ids in the order of
// $keys.
//
// Generated from graph/schema.yaml by `python -m graph.cypher --write`: do not edit by hand.
UNWIND range(0, size($keys) - 1) AS i
MERGE (n:Registration {_generation: $generation, id: $keys[i]})
SET n.name = $columns.name[i],
    n.uscc = $columns.uscc[i],
    n.registered_capital_wan = $columns.registered_capital_wan[i],
    n.capital_currency = $columns.capital_currency[i],
    n.capital_as_written = $columns.capital_as_written[i],
    n.established = $columns.established[i],
    n.status = $columns.status[i],
    n.status_as_written = $columns.status_as_written[i],
    n.legal_representative = $columns.legal_representative[i],
    n.company_type = $columns.company_type[i],
    n.address = $columns.address[i],
    n.industry_code = $columns.industry_code[i],
    n.industry = $columns.industry[i],
    n.business_scope = $columns.business_scope[i],
    n.insured_employees = $columns.insured_employees[i],
    n.staff_size_min = $columns.staff_size_min[i],
    n.staff_size_max = $columns.staff_size_max[i],
    n.staff_as_written = $columns.staff_as_written[i],
    n.input_rows = $columns.input_rows[i],
    n.source = $columns.source[i],
    n.as_of = $columns.as_of[i],
    n.verified = $columns.verified[i],
    n._row = $columns._row[i]
RETURN count(n) AS merged, collect(elementId(n)) AS ids
