import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const REJECTED_COLUMNS = [
  { name: 'line', type: 'BIGINT' },
  { name: 'column_name', type: 'VARCHAR' },
  { name: 'error_type', type: 'VARCHAR' },
  { name: 'error', type: 'VARCHAR' },
  { name: 'csv_line', type: 'VARCHAR' },
] as const;

export const ingestCsvSpec: NodeSpec = {
  type: 'ingest.csv',
  version: 1,
  category: 'ingestion',
  title: 'Read CSV',
  summary: 'Reads a CSV or TSV file into a table, with types inferred and bad rows handled by policy.',
  docs: [
    'Reads a delimited text file with DuckDB and stores it as a Parquet table.',
    '',
    '- **path**: the file; a relative path is resolved against the pipeline file\'s folder.',
    '- **delimiter**: `auto` sniffs it; otherwise one character (`\\t` for tab).',
    '- **header**: whether the first line holds the column names.',
    '- **nullValues**: the texts read as missing (default: empty and `NA`).',
    '- **badRows**: what to do with a row that does not parse (wrong number of fields, a value',
    '  that does not fit its column type): `fail` stops the run naming the first bad line,',
    '  `skip` leaves such rows out and logs how many and which lines, `reject` sends them to the',
    '  `rejected` output with their line number and the reason. Nothing is dropped silently.',
  ].join('\n'),
  inputs: [],
  outputs: [
    { name: 'out', type: 'table', label: 'Rows' },
    { name: 'rejected', type: 'table', label: 'Rejected rows', description: 'line, column, reason and raw text of each bad row' },
  ],
  params: [
    { name: 'path', kind: 'path', label: 'File', required: true, extensions: ['.csv', '.tsv', '.txt'] },
    { name: 'delimiter', kind: 'string', label: 'Delimiter', default: 'auto', placeholder: 'auto' },
    { name: 'header', kind: 'boolean', label: 'First row is a header', default: true },
    { name: 'nullValues', kind: 'stringList', label: 'Missing-value markers', default: ['', 'NA'] },
    {
      name: 'badRows',
      kind: 'enum',
      label: 'Bad rows',
      default: 'fail',
      options: [
        { value: 'fail', label: 'Fail the run' },
        { value: 'skip', label: 'Skip (and log them)' },
        { value: 'reject', label: 'Send to "rejected"' },
      ],
    },
  ],
  inferSchema: (_inputs, params) => {
    const delimiter = params.delimiter;
    const problems =
      typeof delimiter === 'string' && delimiter !== 'auto' && delimiterChar(delimiter) === undefined
        ? [{ param: 'delimiter', message: 'Delimiter must be "auto" or a single character (\\t for tab)' }]
        : [];
    // The columns are only known once the file is read.
    return { outputs: { out: undefined, rejected: { kind: 'table', columns: [...REJECTED_COLUMNS] } }, problems };
  },
};

/** `\t` typed in a form means tab; any other single character is itself. */
export function delimiterChar(value: string): string | undefined {
  if (value === '\\t' || value === 'tab') return '\t';
  return [...value].length === 1 ? value : undefined;
}
