// Which build is loaded: its content digest, as_of date and data folders.
//
// Parameters: none.
// Returns: at most one row: digest, as_of (a date), data (list of folder names),
//          schema_version and loaded_at (when `chainkg neo4j load` finished).
MATCH (b:ChainkgBuild {id: 'current'})
RETURN b.digest AS digest, b.as_of AS as_of, b.data AS data, b.schema_version AS schema_version,
       b.loaded_at AS loaded_at
