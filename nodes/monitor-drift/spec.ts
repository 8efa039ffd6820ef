import { z } from 'zod';
import type { NodeSpec, PortSchema, SchemaMap } from '../../src-shared/nodes/spec.js';

export const DRIFT_METHODS = ['ks', 'wasserstein', 'chisquare', 'z', 'jensenshannon', 'psi'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** Each method's score, and the threshold it is compared with unless a param says otherwise. */
export const METHOD_INFO: Readonly<Record<DriftMethod, { readonly score: 'p_value' | 'distance'; readonly threshold: number; readonly label: string }>> = {
  ks: { score: 'p_value', threshold: 0.05, label: 'Kolmogorov-Smirnov p-value' },
  chisquare: { score: 'p_value', threshold: 0.05, label: 'chi-squared p-value' },
  z: { score: 'p_value', threshold: 0.05, label: 'Z-test p-value' },
  wasserstein: { score: 'distance', threshold: 0.1, label: 'Wasserstein distance (normed)' },
  jensenshannon: { score: 'distance', threshold: 0.1, label: 'Jensen-Shannon distance' },
  psi: { score: 'distance', threshold: 0.1, label: 'PSI' },
};

/** Evidently's size limit: a reference of at most this many values gets a statistical test. */
export const SMALL_REFERENCE = 1000;
/** Numeric columns with at most this many distinct values (both tables) are treated as categories. */
export const FEW_VALUES = 5;
/** Categories kept in the report per column (the statistics use all of them). */
export const REPORT_CATEGORIES = 50;

const methodsSchema = z.record(z.string(), z.enum(DRIFT_METHODS));
const thresholdsSchema = z.record(z.string(), z.number().finite().nonnegative());

export const monitorDriftSpec: NodeSpec = {
  type: 'monitor.drift',
  version: 1,
  category: 'monitoring',
  title: 'Drift report',
  summary: 'Compares a current table with a reference table column by column and says whether the data drifted.',
  docs: [
    'For each column shared by the `reference` and `current` tables, tests whether its current',
    'distribution differs from the reference one, and declares **dataset drift** when the share of',
    'drifted columns reaches **driftShare**. The statistics follow Evidently\'s defaults and give',
    'the numbers scipy gives; they are computed in DuckDB (value counts, cumulative sums, histogram',
    'counts), so no column is loaded in memory. Missing values (and NaN or infinite numbers) are left',
    'out of the tests and counted in the report.',
    '',
    'The method of each column (`auto`), chosen as Evidently does from the reference size (its',
    `non-missing values) and the number of distinct values in both tables:`,
    `- numeric with more than ${FEW_VALUES} distinct values: \`ks\` (two-sample Kolmogorov-Smirnov, the`,
    `  p-value of \`scipy.stats.ks_2samp\`) when the reference has at most ${SMALL_REFERENCE} values, else`,
    '  `wasserstein` (the first Wasserstein distance divided by the reference\'s standard deviation);',
    `- text, boolean, and numeric with at most ${FEW_VALUES} distinct values: \`chisquare\` (Pearson's test`,
    '  of the current counts against the reference shares) or, with only two values, `z` (the',
    `  two-proportion Z-test) when the reference has at most ${SMALL_REFERENCE} values, else \`jensenshannon\``,
    '  (the Jensen-Shannon distance between the two distributions of categories, natural log).',
    '- `psi`: the population stability index, on request only.',
    'For `jensenshannon` and `psi` on a numeric column with more than 20 distinct reference values,',
    'the values are binned into Sturges\' equal-width bins over both tables\' range; otherwise each',
    'value is a category. PSI fills empty buckets with a tiny share as Evidently does.',
    '',
    'A test (`ks`, `chisquare`, `z`) drifts when its p-value is below the threshold (default 0.05);',
    'a distance (`wasserstein`, `jensenshannon`, `psi`) when it is at or above the threshold',
    '(default 0.1). Dates and timestamps are left out unless named in **columns** (then compared as',
    'numbers of seconds); lists, structs and blobs are left out. A column with no values on one side',
    'is reported as skipped and does not count in the share.',
    '',
    'The report holds, per column, the method, the statistic, the p-value or the distance, the',
    `threshold, whether it drifted, and the distributions: histogram edges with reference and current`,
    `counts for numbers (**bins** equal-width bins over both tables' range), or the ${REPORT_CATEGORIES} most frequent`,
    'categories with their counts (and the rest as `other`). Never rows. When `reference_predictions`',
    'and `current_predictions` are connected, their shared columns get the same tests, reported apart',
    'as prediction drift (not counted in the dataset share). The lineage store gets the metrics',
    '`share_drifted`, `drifted_columns` and `dataset_drift` (0 or 1).',
    '',
    '- **columns**: the columns to compare; empty compares every shared column.',
    '- **method**: `auto`, or one method for every column.',
    '- **methods**: per-column methods, e.g. `{ "age": "psi" }`, over **method**.',
    '- **threshold**: one threshold for every column, over the methods\' defaults.',
    '- **thresholds**: per-column thresholds, e.g. `{ "age": 0.2 }`, over **threshold**.',
    '- **driftShare**: the share of drifted columns at which the dataset drifted (0.5).',
    '- **psi**: also compute the PSI of every column, whatever its method (reported as `psi`).',
    '- **bins**: the number of histogram bins in the report for numeric columns (20).',
  ].join('\n'),
  inputs: [
    { name: 'reference', type: 'table', label: 'Reference' },
    { name: 'current', type: 'table', label: 'Current' },
    { name: 'reference_predictions', type: 'table', label: 'Reference predictions', optional: true },
    { name: 'current_predictions', type: 'table', label: 'Current predictions', optional: true },
  ],
  outputs: [{ name: 'report', type: 'report', label: 'Drift report' }],
  params: [
    { name: 'columns', kind: 'columns', port: 'reference', label: 'Columns', default: [] },
    {
      name: 'method',
      kind: 'enum',
      label: 'Method',
      default: 'auto',
      options: [
        { value: 'auto', label: 'By type and size (Evidently)' },
        ...DRIFT_METHODS.map((m) => ({ value: m, label: METHOD_INFO[m].label })),
      ],
    },
    { name: 'methods', kind: 'json', label: 'Per-column methods', description: '{ "column": "ks" | "wasserstein" | "chisquare" | "z" | "jensenshannon" | "psi" }', default: {}, schema: methodsSchema },
    { name: 'threshold', kind: 'number', label: 'Threshold', min: 0, description: 'Empty: each method\'s default' },
    { name: 'thresholds', kind: 'json', label: 'Per-column thresholds', description: '{ "column": 0.05 }', default: {}, schema: thresholdsSchema },
    { name: 'driftShare', kind: 'number', label: 'Dataset drift share', default: 0.5, min: 0, max: 1 },
    { name: 'psi', kind: 'boolean', label: 'Also compute PSI', default: false },
    { name: 'bins', kind: 'number', label: 'Histogram bins', default: 20, min: 1, max: 1000, integer: true },
  ],
  inferSchema: (inputs, params) => {
    const problems: { param: string; message: string }[] = [];
    const ref = tableOf(inputs, 'reference');
    const cur = tableOf(inputs, 'current');
    const named = [
      ...(((params.columns as string[] | undefined) ?? []).map((c) => ['columns', c] as const)),
      ...Object.keys((params.methods as Record<string, unknown> | undefined) ?? {}).map((c) => ['methods', c] as const),
      ...Object.keys((params.thresholds as Record<string, unknown> | undefined) ?? {}).map((c) => ['thresholds', c] as const),
    ];
    for (const [param, c] of named) {
      if (ref && !ref.includes(c)) problems.push({ param, message: `column "${c}" is not in the reference table` });
      else if (cur && !cur.includes(c)) problems.push({ param, message: `column "${c}" is not in the current table` });
    }
    return { outputs: { report: { kind: 'report' } }, problems };
  },
};

function tableOf(inputs: SchemaMap, port: string): string[] | undefined {
  const s: PortSchema | undefined = inputs[port];
  return s?.kind === 'table' ? s.columns.map((c) => c.name) : undefined;
}

/** How a column's values were compared. */
export type ColumnKind = 'num' | 'cat';

/** Equal-width bins: `reference[i]` and `current[i]` values in [edges[i], edges[i+1]), the last bin closed. */
export interface DriftHistogram {
  readonly edges: readonly number[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

/** The most frequent categories (both tables together) with each table's counts; the rest in `other`. */
export interface DriftCategories {
  readonly values: readonly (string | number)[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
  readonly other: { readonly categories: number; readonly reference: number; readonly current: number };
}

export interface DriftColumn {
  readonly name: string;
  /** The DuckDB type (the reference's). */
  readonly type: string;
  readonly kind: ColumnKind;
  readonly method: DriftMethod;
  /** The test statistic (KS D, chi-squared, z) or, for distances, the distance itself. */
  readonly statistic: number | null;
  readonly pValue?: number | null;
  readonly distance?: number | null;
  /** What is compared with the threshold: the p-value or the distance. */
  readonly score: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  /** `ks` only: scipy's exact or asymptotic p-value. */
  readonly ksMode?: 'exact' | 'asymp';
  /** With the psi param: the PSI whatever the method. */
  readonly psi?: number;
  /** Non-missing values and distinct values (both tables). */
  readonly values: { readonly reference: number; readonly current: number; readonly distinct: number };
  readonly missing: { readonly reference: number; readonly current: number };
  readonly histogram?: DriftHistogram;
  readonly categories?: DriftCategories;
}

export interface SkippedColumn {
  readonly name: string;
  readonly type: string;
  readonly reason: string;
}

export interface DriftSection {
  readonly rows: { readonly reference: number; readonly current: number };
  readonly columns: readonly DriftColumn[];
  readonly skipped: readonly SkippedColumn[];
  readonly driftedColumns: number;
  /** Drifted columns over compared columns (0 when none was compared). */
  readonly share: number;
}

export interface DriftReport extends DriftSection {
  readonly kind: 'drift';
  readonly driftShare: number;
  readonly datasetDrift: boolean;
  readonly predictions?: DriftSection;
}
