import type { ColumnSchema, NodeSpec, ParamValues, SchemaMap } from '../../src-shared/nodes/spec.js';

export const JOIN_HOWS = ['inner', 'left', 'full', 'asof'] as const;
export type JoinHow = (typeof JOIN_HOWS)[number];

export const featureJoinSpec: NodeSpec = {
  type: 'feature.join',
  version: 1,
  category: 'feature',
  title: 'Join',
  summary: 'Joins two tables on key columns (inner, left or full), or point in time (as of).',
  docs: [
    'Joins the `left` and `right` tables with DuckDB. The output has the left table\'s columns, in',
    'order, then the right table\'s other columns. The key columns appear once, under the left',
    'names (in a full join they hold the key of whichever side the row comes from). A right',
    'column whose name is already taken gets **suffix** (`fare` becomes `fare_right`). Rows come',
    'in the left table\'s order (then, in a full join, the right rows that matched nothing).',
    '',
    'A join starts a new table: the preprocessing chain restarts after it.',
    '',
    '- **how**:',
    '  - `inner`: only rows whose key is on both sides. The rows dropped on each side are',
    '    counted in the run log (a warning), so none go silently.',
    '  - `left`: every left row; right columns are empty where no right row matches.',
    '  - `full`: every row of both sides.',
    '  - `asof`: the point-in-time join of a feature store. For each left row, the latest right row',
    '    with the same **by** keys whose **right_time** is at or before the left row\'s',
    '    **left_time**, never a later one; left rows with no earlier right row keep empty right',
    '    columns. When several right rows share the same keys and time, the last one in the right',
    '    table is used (and a warning says how many were passed over).',
    '- **on**: the key columns, present on both sides with the same names. Empty (and no',
    '  **left_on**/**right_on**) joins on every column the two tables share, as pandas\' `merge`.',
    '- **left_on**, **right_on**: the key columns when their names differ, paired in order.',
    '- **by** (`asof`): the key columns, present on both sides; empty matches on time alone.',
    '- **left_time**, **right_time** (`asof`): the time columns (dates, timestamps or numbers).',
    '  The right time column is kept in the output, so you can see when each value was observed.',
    '- **tolerance** (`asof`): how far back a right row may be, e.g. `7 days` or `02:00:00` for',
    '  dates and timestamps, a number for numeric times; empty means no limit. A right row older',
    '  than that counts as no match.',
    '- **allow_exact_matches** (`asof`): whether a right row at exactly the left row\'s time may be',
    '  used (pandas\' `merge_asof` default, true); false uses only strictly earlier rows.',
    '- **suffix**: appended to right column names that clash (`_right`).',
    '',
    'Key types must be compatible: the same type, two numbers, or a date and a timestamp. Text',
    'against a number (or a date) is refused, naming both columns and their types, rather than',
    'matching "01" with 1 by an implicit cast. A missing key matches nothing (SQL semantics).',
    'Unmatched rows on each side are counted in the run log, and a warning says when right keys',
    'repeat, so that the join multiplied rows.',
  ].join('\n'),
  inputs: [
    { name: 'left', type: 'table', label: 'Left' },
    { name: 'right', type: 'table', label: 'Right' },
  ],
  outputs: [{ name: 'out', type: 'table', label: 'Joined' }],
  params: [
    {
      name: 'how',
      kind: 'enum',
      label: 'How',
      default: 'inner',
      options: [
        { value: 'inner', label: 'Inner: rows on both sides' },
        { value: 'left', label: 'Left: every left row' },
        { value: 'full', label: 'Full: every row of both' },
        { value: 'asof', label: 'As of: latest earlier right row (point in time)' },
      ],
    },
    { name: 'on', kind: 'columns', port: 'left', label: 'Join on', default: [] },
    { name: 'left_on', kind: 'columns', port: 'left', label: 'Left keys', default: [] },
    { name: 'right_on', kind: 'columns', port: 'right', label: 'Right keys', default: [] },
    { name: 'by', kind: 'columns', port: 'left', label: 'As of: keys', default: [] },
    { name: 'left_time', kind: 'column', port: 'left', label: 'As of: left time', default: '' },
    { name: 'right_time', kind: 'column', port: 'right', label: 'As of: right time', default: '' },
    { name: 'tolerance', kind: 'string', label: 'As of: tolerance', default: '', placeholder: 'e.g. 7 days' },
    { name: 'allow_exact_matches', kind: 'boolean', label: 'As of: allow equal times', default: true },
    { name: 'suffix', kind: 'string', label: 'Suffix for clashing names', default: '_right' },
  ],
  inferSchema: (inputs, params) => {
    const left = inputs.left?.kind === 'table' ? inputs.left.columns : undefined;
    const right = inputs.right?.kind === 'table' ? inputs.right.columns : undefined;
    const { plan, problems } = planJoin(left, right, params);
    const outputs: SchemaMap = { out: plan ? { kind: 'table', columns: plan.columns.map(({ name, type }) => ({ name, type })) } : undefined };
    return { outputs, problems };
  },
};

export interface JoinProblem {
  readonly param: string;
  readonly message: string;
}

/** One output column: where it comes from, and its name and type in the output. */
export interface OutputColumn {
  readonly name: string;
  readonly type: string;
  /** `key`: a left key column (coalesced with its right key in a full join). */
  readonly from: 'left' | 'right' | 'key';
  /** The column's name on its side (the left name for a key). */
  readonly source: string;
  /** For a key in a full join whose two types differ: the type both are cast to. */
  readonly cast?: string;
}

export interface JoinPlan {
  readonly how: JoinHow;
  /** Equality keys, paired: left name, right name. */
  readonly keys: readonly { readonly left: string; readonly right: string }[];
  readonly time?: { readonly left: string; readonly right: string; readonly numeric: boolean };
  readonly columns: readonly OutputColumn[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The join as it will run: key pairs, output columns with exact names and types, and the
 * problems that stop it, each naming its param. Pure, so inferSchema and the run share it; with
 * a side unknown it checks what it can and returns no plan.
 */
export function planJoin(
  left: readonly ColumnSchema[] | undefined,
  right: readonly ColumnSchema[] | undefined,
  params: ParamValues,
): { plan?: JoinPlan; problems: JoinProblem[] } {
  const problems: JoinProblem[] = [];
  const how = str(params.how || 'inner') as JoinHow;
  if (!JOIN_HOWS.includes(how)) return { problems: [{ param: 'how', message: `unknown join "${how}"` }] };
  const find = (cols: readonly ColumnSchema[] | undefined, name: string) => cols?.find((c) => c.name === name);
  const checkIn = (param: string, side: 'left' | 'right', cols: readonly ColumnSchema[] | undefined, names: readonly string[]) => {
    if (!cols) return;
    for (const n of names) if (!find(cols, n)) problems.push({ param, message: `column "${n}" is not in the ${side} table` });
  };
  const noRepeats = (param: string, names: readonly string[]) => {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) problems.push({ param, message: `column "${n}" is named twice` });
      seen.add(n);
    }
  };

  const on = strings(params.on);
  const leftOn = strings(params.left_on);
  const rightOn = strings(params.right_on);
  const by = strings(params.by);
  let keys: { left: string; right: string }[] = [];
  let time: JoinPlan['time'];

  if (how === 'asof') {
    for (const [param, list] of [['on', on], ['left_on', leftOn], ['right_on', rightOn]] as const) {
      if (list.length > 0) problems.push({ param, message: `${param} is for inner, left and full joins; an as-of join matches on by and the time columns` });
    }
    noRepeats('by', by);
    checkIn('by', 'left', left, by);
    checkIn('by', 'right', right, by);
    keys = by.map((n) => ({ left: n, right: n }));
    const lt = str(params.left_time);
    const rt = str(params.right_time);
    if (lt === '') problems.push({ param: 'left_time', message: 'an as-of join needs the left time column' });
    if (rt === '') problems.push({ param: 'right_time', message: 'an as-of join needs the right time column' });
    if (lt !== '') checkIn('left_time', 'left', left, [lt]);
    if (rt !== '') checkIn('right_time', 'right', right, [rt]);
    const lc = find(left, lt);
    const rc = find(right, rt);
    for (const [param, c] of [['left_time', lc], ['right_time', rc]] as const) {
      if (c && !TIME_FAMILIES.has(family(c.type))) {
        problems.push({ param, message: `time column "${c.name}" is ${c.type}; an as-of join needs dates, timestamps or numbers` });
      }
    }
    if (lc && rc && TIME_FAMILIES.has(family(lc.type)) && TIME_FAMILIES.has(family(rc.type))) {
      if (keyType(lc.type, rc.type) === undefined) {
        problems.push({ param: 'right_time', message: incompatible(lc, rc) });
      } else {
        time = { left: lt, right: rt, numeric: NUMERIC_FAMILIES.has(family(lc.type)) };
      }
    }
    const tolerance = str(params.tolerance).trim();
    if (tolerance !== '' && time?.numeric) {
      const t = Number(tolerance);
      if (!Number.isFinite(t) || t < 0) problems.push({ param: 'tolerance', message: `tolerance "${tolerance}" must be a number of 0 or more for numeric times` });
    }
  } else {
    if (on.length > 0 && (leftOn.length > 0 || rightOn.length > 0)) {
      problems.push({ param: 'on', message: 'set either on, or left_on and right_on, not both' });
    } else if (on.length > 0) {
      noRepeats('on', on);
      checkIn('on', 'left', left, on);
      checkIn('on', 'right', right, on);
      keys = on.map((n) => ({ left: n, right: n }));
    } else if (leftOn.length > 0 || rightOn.length > 0) {
      if (leftOn.length !== rightOn.length) {
        problems.push({ param: 'right_on', message: `left_on has ${leftOn.length} column(s) and right_on ${rightOn.length}: they pair up in order` });
      }
      noRepeats('left_on', leftOn);
      noRepeats('right_on', rightOn);
      checkIn('left_on', 'left', left, leftOn);
      checkIn('right_on', 'right', right, rightOn);
      keys = leftOn.slice(0, rightOn.length).map((n, i) => ({ left: n, right: rightOn[i] }));
    } else if (left && right) {
      keys = left.filter((c) => find(right, c.name)).map((c) => ({ left: c.name, right: c.name }));
      if (keys.length === 0) problems.push({ param: 'on', message: 'the two tables share no column name: set on, or left_on and right_on' });
    }
  }

  // Key types, when both sides are known.
  const keyCasts = new Map<string, string | undefined>();
  for (const k of keys) {
    const lc = find(left, k.left);
    const rc = find(right, k.right);
    if (!lc || !rc) continue;
    const t = keyType(lc.type, rc.type);
    if (t === undefined) {
      problems.push({ param: how === 'asof' ? 'by' : on.length > 0 || leftOn.length === 0 ? 'on' : 'left_on', message: incompatible(lc, rc) });
    } else {
      keyCasts.set(k.left, t === lc.type ? undefined : t);
    }
  }

  if (!left || !right || problems.length > 0) return { problems };

  const suffix = str(params.suffix ?? '_right');
  if (suffix === '') return { problems: [{ param: 'suffix', message: 'the suffix for clashing names must not be empty' }] };
  const leftKeys = new Set(keys.map((k) => k.left));
  const rightKeys = new Set(keys.map((k) => k.right));
  const taken = new Set(left.map((c) => c.name.toLowerCase()));
  const columns: OutputColumn[] = left.map((c) => {
    if (!leftKeys.has(c.name)) return { name: c.name, type: c.type, from: 'left', source: c.name };
    const cast = how === 'full' ? keyCasts.get(c.name) : undefined;
    return { name: c.name, type: cast ?? c.type, from: 'key', source: c.name, ...(cast ? { cast } : {}) };
  });
  for (const c of right) {
    if (rightKeys.has(c.name)) continue;
    // DuckDB column names are case-insensitive: "Fare" and "fare" clash.
    let name = c.name;
    if (taken.has(name.toLowerCase())) {
      name = `${c.name}${suffix}`;
      for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${c.name}${suffix}${i}`;
    }
    taken.add(name.toLowerCase());
    columns.push({ name, type: c.type, from: 'right', source: c.name });
  }
  return { plan: { how, keys, ...(time ? { time } : {}), columns }, problems };
}

export function incompatible(l: ColumnSchema, r: ColumnSchema): string {
  return `cannot join left "${l.name}" (${l.type}) with right "${r.name}" (${r.type}): incompatible types; cast one of them first`;
}

type Family = 'signed' | 'unsigned' | 'float' | 'decimal' | 'date' | 'timestamp' | 'other';
const NUMERIC_FAMILIES = new Set<Family>(['signed', 'unsigned', 'float', 'decimal']);
const TIME_FAMILIES = new Set<Family>([...NUMERIC_FAMILIES, 'date', 'timestamp']);
const SIGNED = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];
const UNSIGNED = ['UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'];

function family(type: string): Family {
  if (SIGNED.includes(type)) return 'signed';
  if (UNSIGNED.includes(type)) return 'unsigned';
  if (type === 'FLOAT' || type === 'DOUBLE') return 'float';
  if (type.startsWith('DECIMAL')) return 'decimal';
  if (type === 'DATE') return 'date';
  if (/^TIMESTAMP(_S|_MS|_NS)?$/.test(type)) return 'timestamp';
  return 'other';
}

/**
 * The type two key columns are compared (and, in a full join, merged) as; undefined when they
 * must not be joined. The same type joins as itself; integers join as the narrowest integer that
 * holds both (signed when either is); other numbers as DOUBLE; a date with a timestamp as
 * TIMESTAMP. Anything else (text with a number, a time zone with none) is refused.
 */
export function keyType(a: string, b: string): string | undefined {
  if (a === b) return a;
  const fa = family(a);
  const fb = family(b);
  if (fa === 'signed' && fb === 'signed') return SIGNED[Math.max(SIGNED.indexOf(a), SIGNED.indexOf(b))];
  if (fa === 'unsigned' && fb === 'unsigned') return UNSIGNED[Math.max(UNSIGNED.indexOf(a), UNSIGNED.indexOf(b))];
  if ((fa === 'signed' && fb === 'unsigned') || (fa === 'unsigned' && fb === 'signed')) {
    const [s, u] = fa === 'signed' ? [a, b] : [b, a];
    const rank = Math.max(SIGNED.indexOf(s), UNSIGNED.indexOf(u) + 1);
    return rank < SIGNED.length ? SIGNED[rank] : 'DOUBLE';
  }
  if (NUMERIC_FAMILIES.has(fa) && NUMERIC_FAMILIES.has(fb)) return 'DOUBLE';
  if ((fa === 'date' || fa === 'timestamp') && (fb === 'date' || fb === 'timestamp')) return 'TIMESTAMP';
  return undefined;
}
