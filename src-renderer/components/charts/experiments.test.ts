import { describe, expect, it } from 'vitest';
import { API } from '../../../src-shared/api/contract.js';
import recorded from './fixtures/breast-cancer-runs.json' with { type: 'json' };
import {
  buildExperimentTable,
  columnVisible,
  createVisibleRowsSelector,
  filterProblems,
  filterRows,
  paramDiff,
  parseFilter,
  runLabel,
  sortRows,
  type ExperimentsData,
} from './experiments.js';

/** Two real runs of breast_cancer (logistic regression, C=1 then C=0.01), as the host answered. */
const real = API['charts.experiments'].response.parse(recorded.experiments);

interface Row {
  runId: string;
  pipelineId: string;
  pipelineName: string;
  status: 'succeeded' | 'failed';
  startedAt: number;
  params: Record<string, unknown>;
  metrics: Record<string, number | null>;
}

/** Rows as the host sends them: column by column. */
function columns(rows: readonly Row[]): ExperimentsData {
  const keys = (pick: (r: Row) => Record<string, unknown>) => [...new Set(rows.flatMap((r) => Object.keys(pick(r))))];
  return {
    runIds: rows.map((r) => r.runId),
    pipelineIds: rows.map((r) => r.pipelineId),
    statuses: rows.map((r) => r.status),
    startedAt: rows.map((r) => r.startedAt),
    pipelines: Object.fromEntries(rows.map((r) => [r.pipelineId, r.pipelineName])),
    params: keys((r) => r.params).map((key) => ({ key, values: rows.map((r) => r.params[key] ?? null) })),
    metrics: keys((r) => r.metrics).map((key) => ({ key, values: rows.map((r) => r.metrics[key] ?? null) })),
  };
}

/** A seeded history like the bench's: a numeric param, a text param, two metrics, some missing. */
function synthetic(n: number): Row[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => ({
    runId: `run_${(1_700_000_000_000 - i).toString(36)}_${i.toString(16).padStart(8, '0')}`,
    pipelineId: i % 3 === 0 ? 'b' : 'a',
    pipelineName: i % 3 === 0 ? 'Beta' : 'Alpha',
    status: i % 50 === 0 ? ('failed' as const) : ('succeeded' as const),
    startedAt: 1_700_000_000_000 - i * 1000,
    params: { 'model.C': [0.01, 0.1, 1, 10][i % 4], 'model.solver': i % 2 ? 'lbfgs' : 'newton' },
    metrics: (i % 50 === 0 ? {} : { 'evaluate.accuracy': 0.8 + rand() * 0.2, 'evaluate.roc_auc': i % 7 === 0 ? null : 0.9 + rand() * 0.1 }) as Record<string, number | null>,
  }));
}

describe('the experiments table', () => {
  it('types the columns of real runs: numbers as Float64Array, params and metrics by node', () => {
    const t = buildExperimentTable(real);
    expect(t.byKey.get('model.C')).toMatchObject({ group: 'param', type: 'number' });
    expect(Array.from(t.byKey.get('model.C')!.values as Float64Array)).toEqual([1, 0.01]);
    // Sent once by the host (the same in both runs), a full column here.
    expect(t.byKey.get('model.target')).toMatchObject({ group: 'param', type: 'text', values: ['diagnosis', 'diagnosis'], constant: true });
    expect(t.byKey.get('model.max_iter')).toMatchObject({ type: 'number', constant: true });
    expect(Array.from(t.byKey.get('model.max_iter')!.values as Float64Array)).toEqual([1000, 1000]);
    expect(t.byKey.get('evaluate.accuracy')).toMatchObject({ group: 'metric', type: 'number' });
    expect(t.columns.slice(0, 4).map((c) => c.key)).toEqual(['run', 'pipeline', 'status', 'started']);
    expect(t.columns[4].group).toBe('metric');
  });

  it('shows what tells runs apart: constant params and a single pipeline start hidden, the chooser flips them', () => {
    const t = buildExperimentTable(real);
    const shown = t.columns.filter((c) => columnVisible(c, [])).map((c) => c.key);
    expect(shown.filter((k) => !k.includes('.'))).toEqual(['run', 'status', 'started']);
    expect(shown.filter((k) => t.byKey.get(k)!.group === 'param')).toEqual(['model.C']);
    expect(shown.filter((k) => t.byKey.get(k)!.group === 'metric')).toEqual(real.metrics.map((m) => m.key).sort());
    expect(columnVisible(t.byKey.get('model.target')!, ['model.target'])).toBe(true);
    expect(columnVisible(t.byKey.get('model.C')!, ['model.C'])).toBe(false);
  });

  it('sorts numbers with missing values last in both directions, ties in table order', () => {
    const t = buildExperimentTable(columns(synthetic(200)));
    const all = filterRows(t, []);
    const auc = t.byKey.get('evaluate.roc_auc')!.values as Float64Array;
    for (const dir of ['asc', 'desc'] as const) {
      const order = Array.from(sortRows(t, all, { key: 'evaluate.roc_auc', dir }));
      const values = order.map((i) => auc[i]);
      const firstMissing = values.findIndex(Number.isNaN);
      expect(values.slice(firstMissing).every(Number.isNaN)).toBe(true);
      const present = values.slice(0, firstMissing);
      expect(present).toEqual([...present].sort((a, b) => (dir === 'asc' ? a - b : b - a)));
      const missingRows = order.slice(firstMissing);
      expect(missingRows).toEqual([...missingRows].sort((a, b) => a - b));
    }
    const byC = Array.from(sortRows(t, all, { key: 'model.C', dir: 'asc' }));
    expect(byC.slice(0, 3)).toEqual([0, 4, 8]);
  });

  it('sorts text naturally and filters by words and comparisons, suffixes naming columns', () => {
    const t = buildExperimentTable(columns(synthetic(100)));
    const order = Array.from(sortRows(t, filterRows(t, []), { key: 'model.solver', dir: 'desc' }));
    expect((t.byKey.get('model.solver')!.values as string[])[order[0]]).toBe('newton');
    const rows = filterRows(t, parseFilter('beta C>=1 accuracy>0.9'));
    expect(rows.length).toBeGreaterThan(0);
    const source = synthetic(100);
    for (const i of rows) {
      const r = source[i];
      expect(r.pipelineName).toBe('Beta');
      expect(r.params['model.C']).toBeGreaterThanOrEqual(1);
      expect(r.metrics['evaluate.accuracy']).toBeGreaterThan(0.9);
    }
    expect(Array.from(filterRows(t, parseFilter('status=failed')))).toEqual([0, 50]);
    expect(filterProblems(t, parseFilter('nope>1 accuracy>high'))).toEqual(['no single column "nope"', '"high" is not a number (column evaluate.accuracy)']);
  });

  it('sorts 10,000 runs well under 200 ms, and the memoised selector does no work when nothing changed', () => {
    const t = buildExperimentTable(columns(synthetic(10_000)));
    const select = createVisibleRowsSelector();
    const sort = { key: 'evaluate.accuracy', dir: 'desc' } as const;
    const t0 = performance.now();
    const first = select(t, '', sort);
    const ms = performance.now() - t0;
    expect(first).toHaveLength(10_000);
    expect(ms).toBeLessThan(200);
    expect(select(t, '', sort)).toBe(first);
    const text = { key: 'run', dir: 'asc' } as const;
    const t1 = performance.now();
    select(t, '', text);
    expect(performance.now() - t1).toBeLessThan(200);
  });

  it('diffs the params of the selected runs, the differing ones first', () => {
    const t = buildExperimentTable(real);
    const diff = paramDiff(t, [real.runIds[1], real.runIds[0]]);
    expect(diff[0]).toEqual({ key: 'model.C', values: ['0.01', '1'], differs: true });
    expect(diff.filter((d) => d.differs)).toHaveLength(1);
    expect(diff.find((d) => d.key === 'model.target')).toEqual({ key: 'model.target', values: ['diagnosis', 'diagnosis'], differs: false });
  });

  it('labels runs by the random tail of their ids', () => {
    expect(real.runIds.map(runLabel)).toEqual(real.runIds.map((id) => id.slice(-8)));
    expect(new Set(real.runIds.map(runLabel)).size).toBe(2);
    expect(runLabel('custom-run-id')).toBe('custom-r');
  });
});
