import type { ApiResponse } from '../../../src-shared/api/contract.js';

/**
 * The experiments table as typed columns: one array per column, so sorting 10,000 runs compares
 * numbers in a Float64Array (or strings in one array) instead of digging through row objects.
 */
export type ExperimentsData = ApiResponse<'charts.experiments'>;

export type ColumnGroup = 'run' | 'param' | 'metric';

export interface ExperimentColumn {
  /** `run`, `pipeline`, `status`, `started`; params and metrics by `nodeId.name`. */
  readonly key: string;
  readonly group: ColumnGroup;
  /** Numbers sort as numbers (missing last); anything else as text. */
  readonly type: 'number' | 'text';
  /** Numbers: NaN where a run has no value. Text: '' where a run has none. */
  readonly values: Float64Array | readonly string[];
  /**
   * The same in every run (a param the host sent once; the pipeline when there is one): it cannot
   * tell runs apart, so the table hides it until the column chooser shows it.
   */
  readonly constant?: boolean;
}

export interface ExperimentTable {
  /** Newest first, as the host sent them. */
  readonly runIds: readonly string[];
  /** run id -> row index */
  readonly index: ReadonlyMap<string, number>;
  readonly columns: readonly ExperimentColumn[];
  readonly byKey: ReadonlyMap<string, ExperimentColumn>;
  /** Lower-cased run id, pipeline, status and param text of each row, for the plain-word filter. */
  readonly haystack: readonly string[];
}

export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  readonly key: string;
  readonly dir: SortDir;
}

/** Text of any cell value: strings as they are, everything else as JSON. */
export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return JSON.stringify(v);
}

export function buildExperimentTable(data: ExperimentsData): ExperimentTable {
  const n = data.runIds.length;
  const columns: ExperimentColumn[] = [
    { key: 'run', group: 'run', type: 'text', values: data.runIds },
    { key: 'pipeline', group: 'run', type: 'text', values: data.pipelineIds.map((id) => data.pipelines[id] ?? id), constant: Object.keys(data.pipelines).length < 2 },
    { key: 'status', group: 'run', type: 'text', values: data.statuses },
    { key: 'started', group: 'run', type: 'number', values: Float64Array.from(data.startedAt) },
  ];
  // Metrics first, then params: what a run scored is what the table is read for.
  const metrics = [...data.metrics].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const m of metrics) columns.push({ key: m.key, group: 'metric', type: 'number', values: numberColumn(n, (i) => m.values[i]) });
  const params = [...data.params].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const p of params) {
    const values = 'values' in p ? p.values : null;
    const constant = values === null;
    const at = values ? (i: number) => values[i] : () => ('value' in p ? p.value : null);
    // A param column is numeric when every run that has it has a number there.
    let numeric = true;
    for (let i = 0; i < (constant ? Math.min(n, 1) : n) && numeric; i++) {
      const v = at(i);
      numeric = v === null || v === undefined || typeof v === 'number';
    }
    columns.push(
      numeric
        ? { key: p.key, group: 'param', type: 'number', values: numberColumn(n, (i) => at(i) as number | null | undefined), constant }
        : { key: p.key, group: 'param', type: 'text', values: Array.from({ length: n }, (_, i) => cellText(at(i))), constant },
    );
  }
  // Constant params are the same in every row: they cannot tell rows apart, so they are not searched.
  const textParams = columns.filter((c) => c.group === 'param' && c.type === 'text' && !c.constant).map((c) => c.values as readonly string[]);
  const pipelineNames = columns[1].values as readonly string[];
  const haystack = data.runIds.map((id, i) => [id, pipelineNames[i], data.statuses[i], ...textParams.map((v) => v[i])].join('\u0000').toLowerCase());
  return { runIds: data.runIds, index: new Map(data.runIds.map((id, i) => [id, i])), columns, byKey: new Map(columns.map((c) => [c.key, c])), haystack };
}

function numberColumn(n: number, get: (i: number) => number | null | undefined): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = get(i);
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
  }
  return out;
}

/**
 * Whether the table shows a column: constant columns start hidden and others shown; the column
 * chooser's toggles flip that.
 */
export function columnVisible(col: ExperimentColumn, toggled: readonly string[]): boolean {
  return toggled.includes(col.key) === (col.constant === true);
}

/** A cell as text (numbers as the host sent them), for the param diff and reports. */
export function cellAt(col: ExperimentColumn, i: number): string {
  if (col.type === 'text') return (col.values as readonly string[])[i];
  const v = (col.values as Float64Array)[i];
  return Number.isNaN(v) ? '' : String(v);
}

// ---------------------------------------------------------------- filter

export type FilterOp = '>' | '>=' | '<' | '<=' | '=' | '!=';
export type FilterTerm = { readonly kind: 'word'; readonly text: string } | { readonly kind: 'compare'; readonly key: string; readonly op: FilterOp; readonly value: string };

const COMPARE = /^([^<>=!\s]+)\s*(>=|<=|!=|>|<|=)\s*(.+)$/;

/**
 * The filter box: space-separated terms, all of which must hold. `model.C>0.5`,
 * `evaluate.accuracy>=0.9`, `status=failed` compare a column; any other word must appear in the
 * run id, pipeline, status or a text param. A key may be a column's unique suffix (`accuracy`).
 */
export function parseFilter(text: string): FilterTerm[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((t) => {
      const m = COMPARE.exec(t);
      return m ? { kind: 'compare', key: m[1], op: m[2] as FilterOp, value: m[3] } : { kind: 'word', text: t.toLowerCase() };
    });
}

/** A term's column: the exact key, else the one column whose key ends with `.key`. */
export function resolveColumn(table: ExperimentTable, key: string): ExperimentColumn | undefined {
  const exact = table.byKey.get(key);
  if (exact) return exact;
  const matches = table.columns.filter((c) => c.key.endsWith(`.${key}`));
  return matches.length === 1 ? matches[0] : undefined;
}

/** Terms naming no column (or an ambiguous one): shown under the filter box. */
export function filterProblems(table: ExperimentTable, terms: readonly FilterTerm[]): string[] {
  const problems: string[] = [];
  for (const t of terms) {
    if (t.kind !== 'compare') continue;
    const col = resolveColumn(table, t.key);
    if (!col) problems.push(`no single column "${t.key}"`);
    else if (col.type === 'number' && ['>', '>=', '<', '<='].includes(t.op) && !Number.isFinite(Number(t.value))) {
      problems.push(`"${t.value}" is not a number (column ${col.key})`);
    }
  }
  return problems;
}

function compareHolds(col: ExperimentColumn, i: number, op: FilterOp, value: string): boolean {
  if (col.type === 'number') {
    const v = (col.values as Float64Array)[i];
    const x = Number(value);
    if (Number.isNaN(v)) return op === '!=' ? true : false;
    switch (op) {
      case '>': return v > x;
      case '>=': return v >= x;
      case '<': return v < x;
      case '<=': return v <= x;
      case '=': return v === x;
      case '!=': return v !== x;
    }
  }
  const s = (col.values as readonly string[])[i];
  switch (op) {
    case '=': return s === value;
    case '!=': return s !== value;
    case '>': return s > value;
    case '>=': return s >= value;
    case '<': return s < value;
    case '<=': return s <= value;
  }
}

/** Row indices that pass every term, in table order. Unknown columns are ignored (and reported). */
export function filterRows(table: ExperimentTable, terms: readonly FilterTerm[]): Uint32Array {
  const n = table.runIds.length;
  if (terms.length === 0) return Uint32Array.from({ length: n }, (_, i) => i);
  const checks = terms.flatMap((t): ((i: number) => boolean)[] => {
    if (t.kind === 'word') return [(i) => table.haystack[i].includes(t.text)];
    const col = resolveColumn(table, t.key);
    return col ? [(i) => compareHolds(col, i, t.op, t.value)] : [];
  });
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (checks.every((c) => c(i))) out[k++] = i;
  return out.slice(0, k);
}

// ---------------------------------------------------------------- sort

/**
 * Sorts row indices by one column; missing values (NaN, '') go last in both directions, and
 * ties keep table order (newest run first), so a sort is stable and repeatable.
 */
export function sortRows(table: ExperimentTable, indices: Uint32Array, sort: SortSpec | null): Uint32Array {
  if (!sort) return indices;
  const col = table.byKey.get(sort.key);
  if (!col) return indices;
  const sign = sort.dir === 'asc' ? 1 : -1;
  const out = indices.slice();
  if (col.type === 'number') {
    const v = col.values as Float64Array;
    out.sort((a, b) => {
      const x = v[a], y = v[b];
      const xn = Number.isNaN(x), yn = Number.isNaN(y);
      if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1;
      return x === y ? a - b : (x < y ? -1 : 1) * sign;
    });
  } else {
    const v = col.values as readonly string[];
    const collator = new Intl.Collator(undefined, { numeric: true });
    out.sort((a, b) => {
      const x = v[a], y = v[b];
      if (x === '' || y === '') return (x === '') === (y === '') ? a - b : x === '' ? 1 : -1;
      const c = collator.compare(x, y);
      return c === 0 ? a - b : c * sign;
    });
  }
  return out;
}

/**
 * The visible rows: filtered, then sorted. Memoised on its inputs' identities: re-rendering with
 * the same table, filter and sort costs nothing, and a new sort re-uses the filtered indices.
 */
export function createVisibleRowsSelector() {
  let lastTable: ExperimentTable | null = null;
  let lastFilter: string | null = null;
  let filtered: Uint32Array = new Uint32Array(0);
  let lastSort: SortSpec | null | undefined;
  let sorted: Uint32Array = new Uint32Array(0);
  return (table: ExperimentTable, filter: string, sort: SortSpec | null): Uint32Array => {
    if (table !== lastTable || filter !== lastFilter) {
      filtered = filterRows(table, parseFilter(filter));
      lastTable = table;
      lastFilter = filter;
      lastSort = undefined;
    }
    if (sort !== lastSort) {
      sorted = sortRows(table, filtered, sort);
      lastSort = sort;
    }
    return sorted;
  };
}

// ---------------------------------------------------------------- compare

export interface ParamDiffRow {
  readonly key: string;
  /** Per selected run, in selection order; '' where the run has no such param. */
  readonly values: readonly string[];
  readonly differs: boolean;
}

/** The params of the selected runs side by side, those that differ first. */
export function paramDiff(table: ExperimentTable, runIds: readonly string[]): ParamDiffRow[] {
  const rows = runIds.map((id) => table.index.get(id)).filter((i): i is number => i !== undefined);
  const diff = table.columns
    .filter((c) => c.group === 'param')
    .map((c) => {
      const values = rows.map((i) => cellAt(c, i));
      return { key: c.key, values, differs: new Set(values).size > 1 };
    });
  return [...diff.filter((d) => d.differs), ...diff.filter((d) => !d.differs)];
}

/** The metric columns the selected runs have a value in, for the metric picker. */
export function metricKeys(table: ExperimentTable): string[] {
  return table.columns.filter((c) => c.group === 'metric').map((c) => c.key);
}

/**
 * A run's short label for charts and the table: the random tail of the engine's ids
 * (`run_<time>_<8 hex>`), since runs started close together share the time part; else the first 8 characters.
 */
export function runLabel(runId: string): string {
  return /_([0-9a-f]{8})$/.exec(runId)?.[1] ?? runId.slice(0, 8);
}
