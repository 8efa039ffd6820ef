import { closest } from '../../src-shared/expr/errors.js';
import type { ColumnSchema, NodeSpec, ParamValues } from '../../src-shared/nodes/spec.js';

/** The types a column can be cast to (DuckDB's names); `DECIMAL(p,s)` takes any precision 1-38 and scale 0-p. */
export const CAST_TYPES = ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL(p,s)', 'VARCHAR', 'DATE', 'TIMESTAMP', 'TIME'] as const;

const TYPE_ALIASES: Readonly<Record<string, string>> = {
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  BIGINT: 'BIGINT',
  FLOAT: 'FLOAT',
  REAL: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DECIMAL: 'DECIMAL(18,3)',
  VARCHAR: 'VARCHAR',
  TEXT: 'VARCHAR',
  STRING: 'VARCHAR',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  TIME: 'TIME',
};

export const featureSelectSpec: NodeSpec = {
  type: 'feature.select',
  version: 1,
  category: 'feature',
  title: 'Select, rename, cast',
  summary: 'Keeps, drops, reorders, renames and casts columns.',
  docs: [
    'Shapes the columns of a table; the rows are unchanged. Every param names columns by their',
    'names in the input.',
    '',
    '- **columns**: the columns to keep, in the order listed (so it also reorders); empty keeps them',
    '  all, in the input\'s order.',
    '- **drop**: columns to leave out (handy with an empty **columns**: "all but these").',
    '- **rename**: one `old:new` per entry, e.g. `total_charges:charges`. Spaces around the names',
    '  are ignored; a name with a colon (or meaningful spaces) goes in brackets: `[a:b]:ab`.',
    '- **cast**: one `column:TYPE` per entry, e.g. `senior_citizen:BOOLEAN`, `tenure:DOUBLE`. The',
    `  types: ${CAST_TYPES.join(', ')} (also INT, BOOL, TEXT). Casting a fractional number to a`,
    '  whole-number type rounds it to the nearest.',
    '- **onCastError**: what a value that does not convert does (`\'abc\'` to DOUBLE). `fail` (the',
    '  default) stops the run naming the column, how many values fail and an example with its row;',
    '  `null` turns such values into null and logs a warning counting them per column.',
    '',
    'Renames and casts are steps of the preprocessing chain: the model trained downstream replays',
    'them on raw rows when it predicts.',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'out', type: 'table', label: 'Table' }],
  params: [
    { name: 'columns', kind: 'columns', port: 'in', label: 'Keep (empty = all)', default: [] },
    { name: 'drop', kind: 'columns', port: 'in', label: 'Drop', default: [] },
    { name: 'rename', kind: 'stringList', label: 'Rename (old:new)', default: [] },
    { name: 'cast', kind: 'stringList', label: 'Cast (column:TYPE)', default: [] },
    {
      name: 'onCastError',
      kind: 'enum',
      label: 'On cast error',
      default: 'fail',
      options: [
        { value: 'fail', label: 'Fail the run' },
        { value: 'null', label: 'Make the value null (and log it)' },
      ],
    },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in?.kind === 'table' ? inputs.in : undefined;
    const plan = planSelect(input?.columns, params);
    const out = plan.outputs && { kind: 'table' as const, columns: plan.outputs.map((o) => ({ name: o.name, type: o.type })) };
    return { outputs: { out }, problems: plan.problems };
  },
};

export interface SelectOutput {
  /** The input column it comes from. */
  readonly source: string;
  readonly name: string;
  readonly type: string;
  /** The type it is cast to, if any. */
  readonly cast?: string;
}

export interface Problem {
  readonly param: string;
  readonly message: string;
}

/**
 * What a select makes of its input's columns: shared by inferSchema and the run, so the schema
 * announced before a run is the one the run writes. Without the input's columns (not known
 * before a run) only the entries' syntax and the cast types are checked.
 */
export function planSelect(columns: readonly ColumnSchema[] | undefined, params: ParamValues): { outputs?: SelectOutput[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const keep = strings(params.columns);
  const drop = strings(params.drop);
  const renames: { from: string; to: string }[] = [];
  for (const entry of strings(params.rename)) {
    const r = parseRename(entry);
    if ('error' in r) problems.push({ param: 'rename', message: r.error });
    else renames.push(r);
  }
  const casts: { column: string; type: string }[] = [];
  for (const entry of strings(params.cast)) {
    const c = parseCast(entry);
    if ('error' in c) problems.push({ param: 'cast', message: c.error });
    else casts.push(c);
  }
  if (!columns) return { problems };

  const names = columns.map((c) => c.name);
  const has = (name: string) => names.includes(name);
  const unknown = (param: string, name: string) => {
    const guess = closest(name, names);
    problems.push({ param, message: `column "${name}" is not in the input${guess ? ` (did you mean "${guess}"?)` : ''}` });
  };
  const twice = (param: string, list: readonly string[], what: string) => {
    for (const name of new Set(list.filter((n, i) => list.indexOf(n) !== i))) problems.push({ param, message: `column "${name}" is ${what} twice` });
  };
  keep.filter((n) => !has(n)).forEach((n) => unknown('columns', n));
  drop.filter((n) => !has(n)).forEach((n) => unknown('drop', n));
  renames.filter((r) => !has(r.from)).forEach((r) => unknown('rename', r.from));
  casts.filter((c) => !has(c.column)).forEach((c) => unknown('cast', c.column));
  twice('columns', keep, 'listed');
  twice('rename', renames.map((r) => r.from), 'renamed');
  twice('cast', casts.map((c) => c.column), 'cast');
  for (const name of keep.filter((n) => drop.includes(n))) problems.push({ param: 'drop', message: `column "${name}" is both kept and dropped` });

  const selected = (keep.length > 0 ? [...new Set(keep)] : names).filter((n) => has(n) && !drop.includes(n));
  if (selected.length === 0 && problems.length === 0) {
    problems.push({ param: keep.length > 0 ? 'columns' : 'drop', message: 'no columns would be left' });
  }
  const gone = (param: string, name: string, what: string) =>
    has(name) && !selected.includes(name) && problems.push({ param, message: `cannot ${what} column "${name}": it is not kept` });
  renames.forEach((r) => gone('rename', r.from, 'rename'));
  casts.forEach((c) => gone('cast', c.column, 'cast'));

  const typeOf = new Map(columns.map((c) => [c.name, c.type]));
  const outputs = selected.map((source): SelectOutput => {
    const cast = casts.find((c) => c.column === source)?.type;
    return { source, name: renames.find((r) => r.from === source)?.to ?? source, type: cast ?? typeOf.get(source)!, ...(cast ? { cast } : {}) };
  });
  // DuckDB tells column names apart without regard to case.
  const seen = new Map<string, string>();
  for (const o of outputs) {
    const key = o.name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ param: 'rename', message: `two output columns would be named "${o.name}"${first !== o.name ? ` and "${first}"` : ''}: rename one of them` });
    } else {
      seen.set(key, o.name);
    }
  }
  return problems.length > 0 ? { problems } : { outputs, problems };
}

/** `old:new`, or `[old]:new` when the old name has a colon. */
export function parseRename(entry: string): { from: string; to: string } | { error: string } {
  const head = splitName(entry, 'first');
  if (!head) return { error: `"${entry}" is not of the form old:new` };
  if (head.name === '' || head.rest === '') return { error: `"${entry}" needs a name on both sides of ":" (old:new)` };
  // The new name may be bracketed too (`[a:b]:[a b]`), for symmetry.
  const bracketed = /^\[(.*)\]$/s.exec(head.rest);
  return { from: head.name, to: bracketed ? bracketed[1].replace(/]]/g, ']') : head.rest };
}

/** `column:TYPE`, the type from the allow-list (any case). */
export function parseCast(entry: string): { column: string; type: string } | { error: string } {
  const head = splitName(entry, 'last');
  if (!head || head.name === '' || head.rest === '') return { error: `"${entry}" is not of the form column:TYPE (e.g. tenure:DOUBLE)` };
  const type = castType(head.rest);
  if (!type) return { error: `"${head.rest}" is not a type a column can be cast to; the types are ${CAST_TYPES.join(', ')}` };
  return { column: head.name, type };
}

/** The canonical DuckDB name of an allowed cast type, or undefined. */
export function castType(text: string): string | undefined {
  const t = text.trim().toUpperCase().replace(/\s+/g, ' ');
  const decimal = /^(?:DECIMAL|NUMERIC) ?\( ?(\d+) ?, ?(\d+) ?\)$/.exec(t);
  if (decimal) {
    const [p, s] = [Number(decimal[1]), Number(decimal[2])];
    return p >= 1 && p <= 38 && s <= p ? `DECIMAL(${p},${s})` : undefined;
  }
  return TYPE_ALIASES[t];
}

/**
 * Splits `name:rest` at the first or last colon; a name in brackets (`[a:b]`, `]]` for a bracket)
 * is taken whole. Names are trimmed unless bracketed.
 */
function splitName(entry: string, at: 'first' | 'last'): { name: string; rest: string } | undefined {
  const text = entry.trim();
  if (text.startsWith('[')) {
    let name = '';
    for (let i = 1; i < text.length; i++) {
      if (text[i] === ']') {
        if (text[i + 1] === ']') {
          name += ']';
          i++;
          continue;
        }
        const rest = text.slice(i + 1).trim();
        return rest.startsWith(':') ? { name, rest: rest.slice(1).trim() } : undefined;
      }
      name += text[i];
    }
    return undefined;
  }
  const i = at === 'first' ? text.indexOf(':') : text.lastIndexOf(':');
  return i < 0 ? undefined : { name: text.slice(0, i).trim(), rest: text.slice(i + 1).trim() };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
