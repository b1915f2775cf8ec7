// Lint Cypher statements with Neo4j's own Cypher front end (@neo4j-cypher/language-support).
//
// Reads one JSON document on stdin:
//   {"schema": {labels, relationshipTypes, propertyKeys, graphSchema, defaultLanguage},
//    "statements": [{"name": "...", "text": "...", "parameters": {"rows": []}}]}
// and writes one JSON document on stdout:
//   {"version": "<package version>", "functions": N, "procedures": N,
//    "results": [{"name": "...", "diagnostics": [{"severity": "error"|"warning"|..., "message": "...",
//                 "line": 1, "column": 1, "text": "..."}]}]}
//
// lintCypherQuery runs the Neo4j 5 parser and semantic analysis, then checks the statement
// against the database schema given: unknown labels, relationship types and property keys,
// relationships between labels the schema does not connect, undeclared parameters, and
// functions and procedures that a plain Neo4j (no APOC, no GDS) does not have.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const here = dirname(fileURLToPath(import.meta.url));
const version = JSON.parse(readFileSync(
  join(here, 'node_modules', '@neo4j-cypher', 'language-support', 'package.json'), 'utf8')).version;
const input = JSON.parse(readFileSync(0, 'utf8'));

// The package ships the signatures of Neo4j's built-in functions and procedures (with
// those of the APOC and GDS plugins) as testData.mockSchema. Keep the built-in ones, so a
// statement that needs a plugin, an Enterprise-only procedure or a misspelt function fails.
const PLUGINS = /^(apoc|gds|cdc|genai)\./;
function builtIn(registry) {
  const out = {};
  for (const [version, entries] of Object.entries(registry ?? {})) {
    out[version] = Object.fromEntries(Object.entries(entries).filter(([name]) => !PLUGINS.test(name)));
  }
  return out;
}
const functions = builtIn(testData.mockSchema.functions);
const procedures = builtIn(testData.mockSchema.procedures);
const version5 = input.schema.defaultLanguage ?? 'CYPHER 5';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const results = input.statements.map((stmt) => {
  const dbSchema = { ...input.schema, functions, procedures, parameters: stmt.parameters ?? {} };
  const { diagnostics } = lintCypherQuery(stmt.text, dbSchema, { consoleCommandsEnabled: false });
  return {
    name: stmt.name,
    diagnostics: diagnostics.map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      text: stmt.text.slice(d.offsets.start, d.offsets.end),
    })),
  };
});
process.stdout.write(JSON.stringify({
  version,
  functions: Object.keys(functions[version5] ?? {}).length,
  procedures: Object.keys(procedures[version5] ?? {}).length,
  results,
}));
