import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const ingestJsonSpec: NodeSpec = {
  type: 'ingest.json',
  version: 1,
  category: 'ingestion',
  title: 'Read JSON',
  summary: 'Reads a JSON array of records or newline-delimited JSON (NDJSON) into a table.',
  docs: [
    'Reads JSON records with DuckDB and stores them as a Parquet table: each record\'s properties',
    'become columns, with types inferred from the first 20,480 records; nested objects become',
    'STRUCT columns and arrays LIST columns. A later value that does not fit its column\'s type',
    'fails the run naming its line; so does a syntax error, with its line and column.',
    '',
    '- **path**: the file; a relative path is resolved against the pipeline file\'s folder. The file',
    '  name may be a pattern (`*` any characters, `?` one; not in folder names), e.g.',
    '  `predictions-*.jsonl` for every segment of a serving endpoint\'s rotated prediction log: the',
    '  matched files (empty ones skipped) are read in name order as one table, their columns matched',
    '  by name (a column a file lacks is empty there). Every matched file counts for the cache, so a',
    '  new segment makes the node run again; no match fails the run naming the pattern.',
    '- **format**: `array` for one top-level array of records (`[{...}, {...}]`), `ndjson` for one',
    '  record per line (also called JSON Lines, `.jsonl`), `auto` to let DuckDB tell them apart.',
  ].join('\n'),
  inputs: [],
  outputs: [{ name: 'out', type: 'table', label: 'Rows' }],
  params: [
    { name: 'path', kind: 'path', label: 'File', required: true, extensions: ['.json', '.ndjson', '.jsonl'] },
    {
      name: 'format',
      kind: 'enum',
      label: 'Format',
      default: 'auto',
      options: [
        { value: 'auto', label: 'Detect' },
        { value: 'array', label: 'Array of records' },
        { value: 'ndjson', label: 'One record per line (NDJSON)' },
      ],
    },
  ],
  // The columns are only known once the file is read.
  inferSchema: () => ({ outputs: { out: undefined } }),
};
