// Which graph a store reads: the current generation and its build record.
//
// A store runs it once when it opens and passes the generation it names to every
// later statement, so that a load running meanwhile (or one that was killed) never
// changes its answers (see graph/cypher.py).
//
// Parameters: none.
// Returns: at most one row: generation (null when no load ever finished), digest, as_of
//          (a date), data (list of folder names), schema_version, tables (the tables the
//          build has, even empty ones), loaded_at (when that load finished), and count_names
//          and count_values: how many rows each table of the generation holds ('nodes/Enterprise',
//          'edges/SUPPLIES', …, every table of the schema), as the load wrote and verified them
//          (null for a generation loaded before chainkg recorded them).
MATCH (c:ChainkgBuild {id: 'current'})
OPTIONAL MATCH (b:ChainkgBuild {id: c.generation, _generation: c.generation})
RETURN c.generation AS generation, b.digest AS digest, b.as_of AS as_of, b.data AS data,
       b.schema_version AS schema_version, b.tables AS tables, b.loaded_at AS loaded_at,
       b.count_names AS count_names, b.count_values AS count_values
