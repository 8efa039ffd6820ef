import type { DriftReportData, DriftReportRef, LineageGraphData, RunChartData } from '../../src-shared/api/charts-contract.js';
import { buildExperimentTable, type ExperimentsData, type ExperimentTable, type SortSpec } from '../components/charts/experiments.js';
import type { Loadable } from './playground-slice.js';
import type { GetState, SetState } from './types.js';

/**
 * The charts panel's state: the experiments table (typed columns, built once per fetch), the
 * runs picked for comparison and their charts, the drift report on show and the lineage graph.
 * Never undoable: it is what the lineage store says, not the pipeline.
 */
export type ChartsView = 'experiments' | 'drift' | 'lineage';

export type DriftSortKey = 'name' | 'method' | 'score' | 'threshold' | 'drifted';

export interface ChartsState {
  readonly view: ChartsView;
  /** Runs of every pipeline, not only the open one. */
  readonly allPipelines: boolean;
  readonly experiments: Loadable<ExperimentTable> | null;
  /** False while the table holds only the newest runs and the rest are on their way. */
  readonly experimentsComplete: boolean;
  readonly filter: string;
  readonly sort: SortSpec | null;
  /** Columns the chooser flipped from their default (constant ones hidden, the rest shown): see columnVisible. */
  readonly toggledColumns: readonly string[];
  /** Picked for comparison, in the order picked. */
  readonly selectedRuns: readonly string[];
  /** The metric the bar chart and parallel coordinates end with; null: the first one. */
  readonly compareMetric: string | null;
  readonly runCharts: Readonly<Record<string, Loadable<RunChartData>>>;
  readonly driftReports: Loadable<readonly DriftReportRef[]> | null;
  readonly drift: { readonly runId: string; readonly nodeId: string; readonly report: Loadable<DriftReportData> } | null;
  readonly driftSort: { readonly key: DriftSortKey; readonly dir: 'asc' | 'desc' };
  readonly driftColumn: string | null;
  readonly lineage: { readonly subject: string; readonly graph: Loadable<LineageGraphData> } | null;
  readonly lineageSelected: string | null;
  /** Bumped on each experiments fetch: an answer for an older fetch is dropped. */
  readonly experimentsSeq: number;
}

export const initialCharts: ChartsState = {
  view: 'experiments',
  allPipelines: false,
  experiments: null,
  experimentsComplete: true,
  filter: '',
  sort: null,
  toggledColumns: [],
  selectedRuns: [],
  compareMetric: null,
  runCharts: {},
  driftReports: null,
  drift: null,
  driftSort: { key: 'score', dir: 'asc' },
  driftColumn: null,
  lineage: null,
  lineageSelected: null,
  experimentsSeq: 0,
};

export interface ChartsSlice {
  readonly charts: ChartsState;
  setChartsView(view: ChartsView): void;
  setChartsAllPipelines(all: boolean): void;
  /** Returns the fetch's sequence number, handed back with its answer. */
  chartsExperimentsLoading(): number;
  /** `complete` false: the newest runs only, more to come under the same seq. */
  chartsExperimentsLoaded(seq: number, data: ExperimentsData, complete?: boolean): void;
  chartsExperimentsFailed(seq: number, message: string, details: readonly string[]): void;
  setChartsFilter(filter: string): void;
  /** Sorts by a column: ascending first, then descending, then unsorted. */
  cycleChartsSort(key: string): void;
  toggleChartsColumn(key: string): void;
  toggleChartsRun(runId: string): void;
  setChartsSelection(runIds: readonly string[]): void;
  setChartsCompareMetric(key: string | null): void;
  setRunCharts(runId: string, data: Loadable<RunChartData>): void;
  setDriftReports(list: Loadable<readonly DriftReportRef[]>): void;
  setDrift(drift: ChartsState['drift']): void;
  sortDrift(key: DriftSortKey): void;
  setDriftColumn(name: string | null): void;
  setLineage(lineage: ChartsState['lineage']): void;
  selectLineageItem(id: string | null): void;
}

export function createChartsSlice(set: SetState, get: GetState): ChartsSlice {
  const update = (fn: (c: ChartsState) => Partial<ChartsState>): void => set((s) => ({ charts: { ...s.charts, ...fn(s.charts) } }));
  return {
    charts: initialCharts,
    setChartsView: (view) => update(() => ({ view })),
    setChartsAllPipelines: (allPipelines) => update(() => ({ allPipelines })),
    chartsExperimentsLoading() {
      const seq = get().charts.experimentsSeq + 1;
      update((c) => ({ experimentsSeq: seq, experiments: c.experiments?.state === 'loaded' ? c.experiments : { state: 'loading' } }));
      return seq;
    },
    chartsExperimentsLoaded: (seq, data, complete = true) =>
      update((c) => {
        if (c.experimentsSeq !== seq) return {};
        const table = buildExperimentTable(data);
        // A partial table keeps the selection whole: the runs it lacks are on their way.
        const selectedRuns = complete ? c.selectedRuns.filter((id) => table.index.has(id)) : c.selectedRuns;
        return { experiments: { state: 'loaded', data: table }, experimentsComplete: complete, selectedRuns };
      }),
    chartsExperimentsFailed: (seq, message, details) =>
      update((c) => (c.experimentsSeq !== seq ? {} : { experiments: { state: 'error', message, details } })),
    setChartsFilter: (filter) => update(() => ({ filter })),
    cycleChartsSort: (key) =>
      update((c) => ({
        sort: c.sort?.key !== key ? { key, dir: 'asc' } : c.sort.dir === 'asc' ? { key, dir: 'desc' } : null,
      })),
    toggleChartsColumn: (key) =>
      update((c) => ({ toggledColumns: c.toggledColumns.includes(key) ? c.toggledColumns.filter((k) => k !== key) : [...c.toggledColumns, key] })),
    toggleChartsRun: (runId) =>
      update((c) => ({ selectedRuns: c.selectedRuns.includes(runId) ? c.selectedRuns.filter((r) => r !== runId) : [...c.selectedRuns, runId] })),
    setChartsSelection: (runIds) => update(() => ({ selectedRuns: [...runIds] })),
    setChartsCompareMetric: (compareMetric) => update(() => ({ compareMetric })),
    setRunCharts: (runId, data) => update((c) => ({ runCharts: { ...c.runCharts, [runId]: data } })),
    setDriftReports: (driftReports) => update(() => ({ driftReports })),
    setDrift: (drift) => update(() => ({ drift, driftColumn: null })),
    sortDrift: (key) =>
      update((c) => ({ driftSort: { key, dir: c.driftSort.key === key && c.driftSort.dir === 'asc' ? 'desc' : 'asc' } })),
    setDriftColumn: (driftColumn) => update(() => ({ driftColumn })),
    setLineage: (lineage) => update(() => ({ lineage, lineageSelected: null })),
    selectLineageItem: (lineageSelected) => update(() => ({ lineageSelected })),
  };
}
