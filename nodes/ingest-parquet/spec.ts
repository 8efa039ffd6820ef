import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const ingestParquetSpec: NodeSpec = {
  type: 'ingest.parquet',
  version: 1,
  category: 'ingestion',
  title: 'Read Parquet',
  summary: 'Reads a Parquet file into a table, with the column names and types stored in the file.',
  docs: [
    'Reads a Parquet file with DuckDB and stores it as a table. The columns and their types are',
    'the ones the file declares; nothing is inferred. A file that is not Parquet, or is cut short',
    'or damaged, fails the run with a message saying so.',
    '',
    '- **path**: the file; a relative path is resolved against the pipeline file\'s folder.',
  ].join('\n'),
  inputs: [],
  outputs: [{ name: 'out', type: 'table', label: 'Rows' }],
  params: [{ name: 'path', kind: 'path', label: 'File', required: true, extensions: ['.parquet', '.pq'] }],
  // The schema is in the file: known once it is read.
  inferSchema: () => ({ outputs: { out: undefined } }),
};
