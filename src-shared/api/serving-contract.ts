import { z } from 'zod';
import { DriftReportData } from './charts-contract.js';

/**
 * Payloads of the serving panel's API methods (`serving.*`) and of the `serving.update` event:
 * local prediction endpoints (issue 10), their routing between model versions, and their live
 * figures. The methods themselves are listed in contract.ts.
 */

/** single: one version takes all traffic (a blue-green switch moves it at once); the others try a candidate. */
export const SERVING_STRATEGIES = ['single', 'canary', 'ab', 'shadow'] as const;
export const ServingStrategy = z.enum(SERVING_STRATEGIES);
export type ServingStrategy = z.infer<typeof ServingStrategy>;

/** Which versions answer and how traffic is shared; `split` is version -> percent of requests it answers. */
export const ServingRouting = z.object({
  strategy: ServingStrategy,
  /** The version answering every request not sent elsewhere. */
  primary: z.number().int(),
  /** The canary, the B of an A/B test, or the shadow (which scores every request, its answers only logged). */
  candidate: z.number().int().nullable(),
  /** Percent of requests answered by the candidate (canary, A/B); 0 otherwise. */
  percent: z.number().min(0).max(100),
  /** Canary only: percentage points a step adds, and the automatic rollback's thresholds. */
  canary: z.object({ step: z.number(), maxErrorRate: z.number(), maxP95Ms: z.number() }).nullable(),
  /** Version -> percent of requests it answers. */
  split: z.record(z.string(), z.number()),
});
export type ServingRouting = z.infer<typeof ServingRouting>;

const Version = z.number().int().min(1);
const Percent = z.number().min(0).max(100);

/** A change of routing asked for in the app; each is one button of the serving panel. */
export const ServingRouteChange = z.discriminatedUnion('action', [
  /** Blue-green: every new request goes to `version`; requests in flight finish where they started. */
  z.object({ action: z.literal('switch'), version: Version }),
  /** Canary: `percent` of requests to `version`, rolled back automatically past the thresholds. */
  z.object({
    action: z.literal('canary'),
    version: Version,
    percent: Percent,
    step: z.number().positive().max(100).optional(),
    maxErrorRate: z.number().min(0).max(1).optional(),
    maxP95Ms: z.number().positive().optional(),
  }),
  /** Raise the canary's share by its step. */
  z.object({ action: z.literal('canary-step') }),
  /** The candidate (canary, B, shadow) takes all the traffic. */
  z.object({ action: z.literal('promote') }),
  /** The candidate is dropped (this also ends an A/B test or shadow scoring). */
  z.object({ action: z.literal('rollback') }),
  /** A/B: a fixed share to `version`, sticky by the request's key. */
  z.object({ action: z.literal('ab'), version: Version, percent: Percent }),
  /** Shadow: `version` scores every request too; its answers are only logged. */
  z.object({ action: z.literal('shadow'), version: Version }),
]);
export type ServingRouteChange = z.infer<typeof ServingRouteChange>;

export const ServingEndpointInfo = z.object({
  name: z.string(),
  /** What was asked for: NAME, NAME:3 or NAME@stage. */
  model: z.string(),
  url: z.string(),
  token: z.string().nullable(),
  /** The registered versions this endpoint can route to. */
  versions: z.array(z.number().int()),
  routing: ServingRouting,
  startedAt: z.number(),
  /** The prediction log (every request's inputs, outputs, version, latency); null when none is kept. */
  logPath: z.string().nullable(),
});
export type ServingEndpointInfo = z.infer<typeof ServingEndpointInfo>;

/** One second of one version: requests answered, errors, latency percentiles (ms, null with no request). */
export const ServingSample = z.object({
  version: z.number().int(),
  requests: z.number(),
  errors: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});
export type ServingSample = z.infer<typeof ServingSample>;

export const ServingHistoryEntry = z.object({
  at: z.number(),
  /** start, switch, canary-start, canary-step, promote, rollback, auto-rollback, ab-start, shadow-start */
  kind: z.string(),
  from: z.number().int().nullable(),
  to: z.number().int().nullable(),
  percent: z.number().nullable(),
  reason: z.string().nullable(),
  /** True for a change the endpoint made by itself (an automatic canary rollback). */
  automatic: z.boolean(),
});
export type ServingHistoryEntry = z.infer<typeof ServingHistoryEntry>;

/** Series over the last minutes, one point per second: `at[i]` is the end of second i. */
export const ServingStatsData = z.object({
  name: z.string(),
  at: z.array(z.number()),
  versions: z.array(z.object({ version: z.number().int(), points: z.array(ServingSample.omit({ version: true })) })),
  totals: z.object({ requests: z.number(), errors: z.number() }),
  history: z.array(ServingHistoryEntry),
});
export type ServingStatsData = z.infer<typeof ServingStatsData>;

/** Pushed about once a second while endpoints run: the last second of each, and its routing. */
export const ServingUpdate = z.object({
  name: z.string(),
  at: z.number(),
  samples: z.array(ServingSample),
  totals: z.object({ requests: z.number(), errors: z.number() }),
  routing: ServingRouting,
  /** The prediction log's newest segment (it appears with the first request, and rotates). */
  logPath: z.string().nullable(),
  /** Routing changes since the previous update (automatic rollbacks included). */
  history: z.array(ServingHistoryEntry),
});
export type ServingUpdate = z.infer<typeof ServingUpdate>;

/**
 * The whole prediction log of an endpoint as an ingest.json path: every segment
 * (`predictions-*.jsonl`) next to the newest one, so a pipeline reads all the logged traffic.
 */
export function predictionLogPattern(logPath: string): string {
  return logPath.replace(/predictions-\d+\.jsonl$/, 'predictions-*.jsonl');
}

/** Live accuracy of one version: feedback labels joined to the logged predictions by request id and row. */
export const ServingVersionAccuracy = z.object({
  version: z.number().int(),
  /** Logged rows it answered (not as a shadow) that got a label. */
  labelled: z.number().int(),
  correct: z.number().int(),
  /** Share predicted right (classification); null without labels or for a regression. */
  accuracy: z.number().nullable(),
  /** Mean absolute error (regression); null for classification. */
  mae: z.number().nullable(),
  /** As a shadow: labelled rows and what it would have scored. */
  shadowLabelled: z.number().int(),
  shadowAccuracy: z.number().nullable(),
});
export type ServingVersionAccuracy = z.infer<typeof ServingVersionAccuracy>;

export const ServingAccuracyData = z.object({
  name: z.string(),
  /** Versions with at least one labelled row, in version order. */
  versions: z.array(ServingVersionAccuracy),
});
export type ServingAccuracyData = z.infer<typeof ServingAccuracyData>;

/** At most this many logged rows are compared with the training data (the newest ones). */
export const SERVING_DRIFT_MAX_ROWS = 100_000;

export const ServingDriftRequest = z.object({
  name: z.string().min(1).max(200),
  /** The version whose training data is the reference; the primary version when absent. */
  version: z.number().int().min(1).optional(),
  /** Compare the newest N logged rows (shadow rows left out: they repeat a served row's inputs). */
  lastRows: z.number().int().min(1).max(SERVING_DRIFT_MAX_ROWS).optional(),
});

/** The drift of logged traffic against a version's training data, with monitor.drift's statistics. */
export const ServingDriftData = z.object({
  name: z.string(),
  version: z.number().int(),
  /** The training table's artifact hash (the reference). */
  trainingData: z.string(),
  /** Log segments read, and logged rows compared (the newest, at most lastRows). */
  logFiles: z.number().int(),
  loggedRows: z.number().int(),
  at: z.number(),
  report: DriftReportData,
});
export type ServingDriftData = z.infer<typeof ServingDriftData>;
