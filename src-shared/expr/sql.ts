/**
 * Quotes an identifier (a column name) for DuckDB SQL: wrapped in double quotes, with each double
 * quote inside doubled. The same rule as src-main/data/duckdb.ts, kept here because src-shared
 * imports nothing outside itself.
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
