import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const ingestSqliteSpec: NodeSpec = {
  type: 'ingest.sqlite',
  version: 1,
  category: 'ingestion',
  title: 'Read SQLite',
  summary: 'Reads a table of a SQLite database, or the result of a SELECT query, into a table.',
  docs: [
    'Opens a SQLite database file read-only (nothing in it can change) and copies a table, or the',
    'rows of a query, into a Parquet table. Set either **table** or **query**.',
    '',
    '- **path**: the database file; a relative path is resolved against the pipeline file\'s folder.',
    '- **table**: the name of a table or view to read whole.',
    '- **query**: one SELECT (or WITH ... SELECT) statement, in SQLite\'s SQL. Statements that',
    '  write, and more than one statement, are refused.',
    '',
    '**Types.** Column types follow SQLite\'s type affinity: a declared type containing INT is read',
    'as BIGINT; CHAR, CLOB or TEXT as VARCHAR; REAL, FLOA or DOUB as DOUBLE; BLOB as BLOB;',
    'BOOLEAN as BOOLEAN; NUMERIC and DECIMAL as DOUBLE. SQLite has no date type: DATE, DATETIME',
    'and TIMESTAMP columns are read as the text stored (cast them downstream). A column without a',
    'declared type (an expression in a query) takes its type from its values. SQLite lets any',
    'value into any column: a value that does not fit its column\'s type (text in an INTEGER',
    'column) fails the run naming the row and column; CAST it in a query to read it.',
  ].join('\n'),
  inputs: [],
  outputs: [{ name: 'out', type: 'table', label: 'Rows' }],
  params: [
    { name: 'path', kind: 'path', label: 'Database file', required: true, extensions: ['.sqlite', '.sqlite3', '.db'] },
    { name: 'table', kind: 'string', label: 'Table', default: '', placeholder: 'a table or view' },
    { name: 'query', kind: 'string', label: 'Query', default: '', placeholder: 'SELECT ...' },
  ],
  inferSchema: (_inputs, params) => {
    const table = String(params.table ?? '').trim();
    const query = String(params.query ?? '').trim();
    const problems =
      table === '' && query === ''
        ? [{ param: 'table', message: 'Set Table or Query' }]
        : table !== '' && query !== ''
          ? [{ param: 'query', message: 'Set Table or Query, not both' }]
          : [];
    // The columns are only known once the database is opened.
    return { outputs: { out: undefined }, problems };
  },
};
