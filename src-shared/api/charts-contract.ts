import { z } from 'zod';

/**
 * Payloads of the charts panel's API methods (`charts.*`, `lineage.graph`): what the host reads
 * out of recorded reports and the lineage store, shaped for drawing. The methods themselves are
 * listed in contract.ts.
 */

const Num = z.number().nullable();

/** An `evaluate.model` report, reduced to what the comparison charts draw. */
export const EvaluationChartData = z.object({
  nodeId: z.string(),
  task: z.enum(['classification', 'regression']),
  metrics: z.record(z.string(), Num),
  classes: z.array(z.string()).optional(),
  /** Rows: true class, columns: predicted class (scikit-learn's layout). */
  confusionMatrix: z.array(z.array(z.number())).optional(),
  positive: z.string().optional(),
  roc: z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()) }).optional(),
  pr: z.object({ precision: z.array(z.number()), recall: z.array(z.number()) }).optional(),
});
export type EvaluationChartData = z.infer<typeof EvaluationChartData>;

/** A `train.tune` report: each candidate's score per fold (the cross-validation curve). */
export const TuningChartData = z.object({
  nodeId: z.string(),
  metric: z.string(),
  folds: z.number(),
  candidates: z.array(z.object({ params: z.record(z.string(), z.unknown()), scores: z.array(z.number()), mean: z.number(), std: z.number() })),
});
export type TuningChartData = z.infer<typeof TuningChartData>;

/** A metric recorded with steps (a training curve). */
export const MetricSeries = z.object({ nodeId: z.string(), name: z.string(), points: z.array(z.object({ step: z.number(), value: Num })) });
export type MetricSeries = z.infer<typeof MetricSeries>;

export const RunChartData = z.object({
  runId: z.string(),
  evaluations: z.array(EvaluationChartData),
  tunings: z.array(TuningChartData),
  series: z.array(MetricSeries),
  /** Reports that could not be read (evicted from the cache, unreadable), one sentence each. */
  missing: z.array(z.string()),
});
export type RunChartData = z.infer<typeof RunChartData>;

// ---- drift: the monitor.drift node's report (nodes/monitor-drift/spec.ts, DriftReport) ----

const DriftColumnSchema = z.object({
  name: z.string(),
  type: z.string(),
  kind: z.enum(['num', 'cat']),
  method: z.string(),
  statistic: Num,
  pValue: Num.optional(),
  distance: Num.optional(),
  score: Num,
  threshold: z.number(),
  drifted: z.boolean(),
  psi: z.number().optional(),
  values: z.object({ reference: z.number(), current: z.number(), distinct: z.number() }),
  missing: z.object({ reference: z.number(), current: z.number() }),
  histogram: z.object({ edges: z.array(z.number()), reference: z.array(z.number()), current: z.array(z.number()) }).optional(),
  categories: z
    .object({
      values: z.array(z.union([z.string(), z.number()])),
      reference: z.array(z.number()),
      current: z.array(z.number()),
      other: z.object({ categories: z.number(), reference: z.number(), current: z.number() }),
    })
    .optional(),
});
export type DriftColumnData = z.infer<typeof DriftColumnSchema>;

const DriftSectionSchema = z.object({
  rows: z.object({ reference: z.number(), current: z.number() }),
  columns: z.array(DriftColumnSchema),
  skipped: z.array(z.object({ name: z.string(), type: z.string(), reason: z.string() })),
  driftedColumns: z.number(),
  share: z.number(),
});

export const DriftReportData = DriftSectionSchema.extend({
  kind: z.literal('drift'),
  driftShare: z.number(),
  datasetDrift: z.boolean(),
  predictions: DriftSectionSchema.optional(),
});
export type DriftReportData = z.infer<typeof DriftReportData>;

export const DriftReportRef = z.object({ runId: z.string(), nodeId: z.string(), startedAt: z.number(), share: z.number().nullable(), datasetDrift: z.boolean().nullable() });
export type DriftReportRef = z.infer<typeof DriftReportRef>;

// ---- lineage graph ----

export const LINEAGE_ITEM_KINDS = ['run', 'step', 'table', 'model', 'report', 'file', 'modelVersion'] as const;
export type LineageItemKind = (typeof LINEAGE_ITEM_KINDS)[number];

export const LineageItem = z.object({
  /** `run:<id>`, `step:<nodeRunId>`, `artifact:<hash>`, `model:<name>:<version>`. */
  id: z.string(),
  kind: z.enum(LINEAGE_ITEM_KINDS),
  label: z.string(),
  /** What the item is, field by field, for the details pane. */
  details: z.array(z.tuple([z.string(), z.string()])),
  /** What `lineage.graph` takes to center on this item (a run id or artifact hash); absent for steps. */
  subject: z.string().optional(),
  /** The subject of the graph. */
  root: z.boolean().optional(),
});
export type LineageItem = z.infer<typeof LineageItem>;

export const LineageGraphData = z.object({
  subject: z.string(),
  items: z.array(LineageItem),
  /** from -> to: input artifact -> step -> output artifact; run -> its steps; model artifact -> registered version. */
  links: z.array(z.object({ from: z.string(), to: z.string() })),
  truncated: z.boolean(),
});
export type LineageGraphData = z.infer<typeof LineageGraphData>;
