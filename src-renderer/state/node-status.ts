import type { NodeStatus } from '../../src-shared/api/contract.js';
import type { ExplainEntry, NodeRun } from './run-slice.js';

/** What a node's badge says, and whether it is a guess from the cache rather than a run's report. */
export interface DisplayStatus {
  readonly status: NodeStatus;
  /** `cached` for a node not run in this session: a stored result exists, nothing ran here. */
  readonly hint: boolean;
}

const IDLE: DisplayStatus = { status: 'idle', hint: false };
const CACHED_HINT: DisplayStatus = { status: 'cached', hint: true };

/**
 * A node's last known status (from the run events) combined with the latest explain answer:
 * a result that no longer matches the node's cache key is `stale`; a node that has not run in
 * this session but whose key has a stored result is `cached`. Without an explain answer for the
 * node (none yet, or a run is under way) the run's status stands as reported.
 */
export function displayStatus(node: NodeRun | undefined, explain: ExplainEntry | undefined): DisplayStatus {
  if (!node) return explain?.cached ? CACHED_HINT : IDLE;
  if ((node.status === 'succeeded' || node.status === 'cached') && explain && !explain.cached) {
    return { status: 'stale', hint: false };
  }
  return { status: node.status, hint: false };
}

export type WhyRun =
  /** No explain answer for this node yet (or the pipeline has errors, or a run is under way). */
  | { readonly kind: 'unknown' }
  | { readonly kind: 'up-to-date' }
  | { readonly kind: 'will-run'; readonly reasons: readonly string[] };

/** The inspector's "Why will this run?" answer for one node. */
export function whyRun(explain: ExplainEntry | undefined): WhyRun {
  if (!explain) return { kind: 'unknown' };
  if (explain.cached) return { kind: 'up-to-date' };
  // Same key as its last successful run, yet nothing stored: the result was evicted.
  return { kind: 'will-run', reasons: explain.reasons.length > 0 ? explain.reasons : ['its stored result is no longer in the cache'] };
}
