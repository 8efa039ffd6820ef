/**
 * Local model serving (issue 10): a registered model as an HTTP service on 127.0.0.1, rolled
 * out with blue-green, canary, A/B or shadow routing, with Prometheus metrics and a prediction
 * log. Node side only (node:http, onnxruntime-node, the lineage store).
 *
 *   const ep = await ServingEndpoint.start({ lineage, home, model: 'churn@production' });
 *   ep.url, ep.token, ep.name                    // http://127.0.0.1:PORT, bearer token (null: --no-token)
 *   ep.routing()                                 // RoutingState: strategy, primary, candidate, percent, canary policy, history
 *   await ep.setRouting({ kind: 'canary', version: 2, percent: 10, policy: { step: 10, everyRequests: 500 } })
 *   await ep.setRouting({ kind: 'step' | 'promote' | 'rollback' })
 *   await ep.setRouting({ kind: 'switch', version: 2 })          // blue-green
 *   await ep.setRouting({ kind: 'ab', version: 2, percent: 50 }) // sticky by X-Plumb-Key / JSON "key"
 *   await ep.setRouting({ kind: 'shadow', version: 2 })          // end it with promote or rollback
 *   ep.stats()                                   // ServingStats: totals, per-version p50/p95/p99, 5-minute per-second series
 *   ep.accuracy()                                // live accuracy per version (prediction log joined with feedback)
 *   ep.logFiles()                                // prediction log segments (NDJSON), oldest first
 *   const off = ep.onEvent((e) => ...)           // {kind:'routing', change, state} | {kind:'stats', stats} (each second) | {kind:'warning', message}
 *   await ep.stop()                              // stop accepting, drain requests in flight, release sessions
 *
 * `setRouting` is async (unlike a pure state change): a version it names is resolved through the
 * registry and its onnxruntime session opened before any request is routed to it, which is what
 * makes a blue-green switch lose no request. It throws RoutingError when the change does not fit
 * the state (a second experiment while one runs, a step without a canary) and ModelRefError for
 * an unknown version. Every change, automatic ones included, is recorded in the lineage store's
 * `serving_events` table and listed by `plumb models NAME`.
 *
 * HTTP (every path needs `Authorization: Bearer TOKEN` unless started without a token; the Host
 * header must be 127.0.0.1:PORT or localhost:PORT):
 *   POST /predict   {"rows": [{column: value}], "key"?: "..."} or text/csv with a header line
 *                   -> 200 {"id", "version", "predictions": [{"label", "probabilities"} | {"value"}]}
 *                   -> 400 {"error", "errors": [{"row", "column", "message"}], "version"} (rows counted from 0)
 *                   413 over the body cap, 415 other content types, 500 {"error", "version"} when the model fails
 *   POST /feedback  {"id": REQUEST_ID, "row"?: N, "label": VALUE} or {"feedback": [...]} -> {"accepted": n}
 *   GET  /health    {"status", "name", "version"}
 *   GET  /model     signature: inputs (types, categories), outputs, task, classes, target, versions and roles
 *   GET  /metrics   Prometheus text format 0.0.4 (see metrics.ts)
 * Every /predict answer names the version that served it (body and X-Plumb-Version header).
 *
 * Files: routing.ts (pure strategies), metrics.ts, prediction-log.ts (rotating NDJSON + live
 * accuracy), request-rows.ts (bodies, CSV, per-row checks), micro-batcher.ts (concurrent requests
 * share a session.run), endpoint.ts (the server). Decisions: README.md here.
 */
export { ServingEndpoint, type ServedVersion, type ServingEndpointEvent, type ServingOptions } from './endpoint.js';
export type { RatePoint, ServingStats, VersionStats } from './metrics.js';
export { liveAccuracy, liveAccuracyOf, servingDir, type Feedback, type LoggedPrediction, type VersionAccuracy } from './prediction-log.js';
export {
  DEFAULT_CANARY_POLICY,
  RoutingError,
  type CanaryPolicy,
  type Route,
  type RoutingChange,
  type RoutingEvent,
  type RoutingEventKind,
  type RoutingState,
  type Strategy,
} from './routing.js';
