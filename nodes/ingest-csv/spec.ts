import type { NodeSpec, ParamSpec, ParamValues } from '../../src-shared/nodes/spec.js';

export const REJECTED_COLUMNS = [
  { name: 'line', type: 'BIGINT' },
  { name: 'column_name', type: 'VARCHAR' },
  { name: 'error_type', type: 'VARCHAR' },
  { name: 'error', type: 'VARCHAR' },
  { name: 'csv_line', type: 'VARCHAR' },
] as const;

/** How many rows DuckDB reads to detect the dialect and the column types. */
export const CSV_SNIFF_ROWS = 20_480;

export const CSV_ENCODINGS = ['utf-8', 'utf-8-bom', 'latin-1'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** The type names a `types` entry may use (DECIMAL with its precision and scale). */
export const OVERRIDE_TYPES = ['BOOLEAN', 'BIGINT', 'INTEGER', 'DOUBLE', 'DECIMAL(p,s)', 'VARCHAR', 'DATE', 'TIMESTAMP'] as const;

/**
 * The reading params shared by every node that reads CSV with this reader (ingest.csv, and
 * ingest.sample with the defaults), so both read a file the same way.
 */
export const CSV_READ_PARAMS: readonly ParamSpec[] = [
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
  { name: 'quote', kind: 'string', label: 'Quote', default: 'auto', placeholder: 'auto' },
  { name: 'escape', kind: 'string', label: 'Escape', default: 'auto', placeholder: 'auto' },
  { name: 'comment', kind: 'string', label: 'Comment lines start with', default: '', placeholder: 'none' },
  { name: 'skip', kind: 'number', label: 'Lines to skip at the top', default: 0, min: 0, integer: true },
  {
    name: 'encoding',
    kind: 'enum',
    label: 'Encoding',
    default: 'utf-8',
    options: [
      { value: 'utf-8', label: 'UTF-8' },
      { value: 'utf-8-bom', label: 'UTF-8 with BOM (Excel)' },
      { value: 'latin-1', label: 'Latin-1 (ISO-8859-1)' },
    ],
  },
  {
    name: 'types',
    kind: 'stringList',
    label: 'Column types',
    description: 'One "column:TYPE" per line, e.g. total_charges:DOUBLE',
    default: [],
  },
];

export const CSV_READ_DOCS = [
  '- **delimiter**: `auto` sniffs it; otherwise one character (`\\t` for tab).',
  '- **header**: whether the first line (after the skipped ones) holds the column names. Without',
  '  one, columns are named `column0`, `column1`...',
  '- **nullValues**: the texts read as missing (default: empty and `NA`).',
  '- **badRows**: what to do with a row that does not parse (wrong number of fields, a value',
  '  that does not fit its column type, bytes that are not valid in the encoding): `fail` stops',
  '  the run naming the bad lines, `skip` leaves such rows out and logs how many and which lines,',
  '  `reject` sends them to the `rejected` output with their line number, the reason and the raw',
  '  text. Nothing is dropped silently.',
  '- **quote**: the character around values that hold delimiters or line breaks. `auto` sniffs it',
  '  (`"`, `\'` or none); `none` reads quote characters as plain text; or one character.',
  '- **escape**: the character that escapes a quote inside a quoted value. `auto` sniffs it',
  '  (usually the quote itself, doubled: `""`); `none`; or one character such as `\\`.',
  '- **comment**: lines starting with this character are comments and are left out (and',
  '  counted in the log). Empty (the default) means the file has no comment lines, so a line',
  '  starting with `#` is data.',
  '- **skip**: how many lines to leave out at the top, before the header (comment lines are not',
  '  counted). Logged.',
  '- **encoding**: `utf-8` (a byte-order mark, if any, is dropped: the first column name stays',
  '  clean), `utf-8-bom` (the same, named for files saved as "CSV UTF-8" by Excel) or `latin-1`',
  '  (ISO-8859-1, older Windows and Excel exports). Bytes that are not valid UTF-8 make a bad',
  '  row, named with its line.',
  `- **types**: column types to use instead of the inferred ones, one \`column:TYPE\` per line, e.g.`,
  `  \`total_charges:DOUBLE\`. Types: ${OVERRIDE_TYPES.join(', ')}. A value that does not fit its`,
  '  type is a bad row (see badRows); DuckDB\'s casts apply (for instance `29.85` read as INTEGER',
  '  is rounded to 30).',
  '',
  `**Type inference.** DuckDB detects the dialect and the column types from the first`,
  `${CSV_SNIFF_ROWS.toLocaleString('en-US')} rows. A column whose first ${CSV_SNIFF_ROWS.toLocaleString('en-US')} values are all numbers is`,
  'numeric; a later value that does not fit (`ten` in a BIGINT column) is a bad row under the',
  'badRows policy, never a silent NULL. Use **types** to read such a column as VARCHAR, or to',
  'fix any type in advance.',
  '',
  '**Checks.** An empty file fails ("is empty"). A file with a header and no rows gives an empty',
  'table whose columns are all VARCHAR, with a warning. A quote that opens a value and never',
  'closes (or closes only lines later, swallowing them) fails the run naming its line, whatever',
  'the badRows policy: the rows after it cannot be told apart. The rows read plus the bad rows',
  'are checked against the records in the file; a difference is logged as a warning.',
].join('\n');

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
    CSV_READ_DOCS,
  ].join('\n'),
  inputs: [],
  outputs: [
    { name: 'out', type: 'table', label: 'Rows' },
    { name: 'rejected', type: 'table', label: 'Rejected rows', description: 'line, column, reason and raw text of each bad row' },
  ],
  params: [{ name: 'path', kind: 'path', label: 'File', required: true, extensions: ['.csv', '.tsv', '.txt'] }, ...CSV_READ_PARAMS],
  inferSchema: (_inputs, params) => {
    // The columns are only known once the file is read.
    return {
      outputs: { out: undefined, rejected: { kind: 'table', columns: [...REJECTED_COLUMNS] } },
      problems: csvParamProblems(params),
    };
  },
};

/** `\t` typed in a form means tab; any other single character is itself. */
export function delimiterChar(value: string): string | undefined {
  if (value === '\\t' || value === 'tab') return '\t';
  return [...value].length === 1 ? value : undefined;
}

/** A one-character option (quote, escape): `auto`, `none` (or empty) or the character. */
export type CharOption = { readonly mode: 'auto' } | { readonly mode: 'none' } | { readonly mode: 'char'; readonly char: string };

export function charOption(value: unknown, allowAuto = true): CharOption | undefined {
  const text = String(value ?? (allowAuto ? 'auto' : ''));
  if (allowAuto && text === 'auto') return { mode: 'auto' };
  if (text === '' || text === 'none') return { mode: 'none' };
  // One ASCII character: DuckDB takes a single byte for these options.
  return /^[\x20-\x7e]$/.test(text) && text !== ' ' ? { mode: 'char', char: text } : undefined;
}

export interface TypeOverride {
  readonly column: string;
  /** The DuckDB type name, normalised (upper case, no spaces). */
  readonly type: string;
}

/** Parses `types` entries (`column:TYPE`, split at the last colon); bad entries become problems. */
export function parseTypeOverrides(entries: unknown): { overrides: TypeOverride[]; problems: string[] } {
  const overrides: TypeOverride[] = [];
  const problems: string[] = [];
  const list = Array.isArray(entries) ? entries : [];
  for (const raw of list) {
    const entry = String(raw).trim();
    if (entry === '') continue;
    const at = entry.lastIndexOf(':');
    const column = at > 0 ? entry.slice(0, at).trim() : '';
    const type = at > 0 ? normaliseType(entry.slice(at + 1)) : undefined;
    if (column === '' || at < 0) {
      problems.push(`"${entry}" is not column:TYPE (e.g. total_charges:DOUBLE)`);
    } else if (type === undefined) {
      problems.push(`"${entry}": unknown type "${entry.slice(at + 1).trim()}" (use one of ${OVERRIDE_TYPES.join(', ')})`);
    } else if (overrides.some((o) => o.column.toLowerCase() === column.toLowerCase())) {
      problems.push(`column "${column}" is given a type twice`);
    } else {
      overrides.push({ column, type });
    }
  }
  return { overrides, problems };
}

function normaliseType(text: string): string | undefined {
  const t = text.replace(/\s+/g, '').toUpperCase();
  if (['BOOLEAN', 'BIGINT', 'INTEGER', 'DOUBLE', 'VARCHAR', 'DATE', 'TIMESTAMP'].includes(t)) return t;
  const m = /^DECIMAL\((\d{1,2}),(\d{1,2})\)$/.exec(t);
  if (m) {
    const [p, s] = [Number(m[1]), Number(m[2])];
    if (p >= 1 && p <= 38 && s <= p) return `DECIMAL(${p},${s})`;
  }
  return undefined;
}

/** Problems with the reading params, each naming its param (shown on the node before a run). */
export function csvParamProblems(params: ParamValues): { param: string; message: string }[] {
  const problems: { param: string; message: string }[] = [];
  const delimiter = params.delimiter;
  if (typeof delimiter === 'string' && delimiter !== 'auto' && delimiterChar(delimiter) === undefined) {
    problems.push({ param: 'delimiter', message: 'Delimiter must be "auto" or a single character (\\t for tab)' });
  }
  if (charOption(params.quote) === undefined) {
    problems.push({ param: 'quote', message: 'Quote must be "auto", "none" or a single character' });
  }
  if (charOption(params.escape) === undefined) {
    problems.push({ param: 'escape', message: 'Escape must be "auto", "none" or a single character' });
  }
  if (charOption(params.comment, false) === undefined) {
    problems.push({ param: 'comment', message: 'Comment must be empty (no comment lines) or a single character' });
  }
  for (const message of parseTypeOverrides(params.types).problems) problems.push({ param: 'types', message: `Column types: ${message}` });
  return problems;
}
