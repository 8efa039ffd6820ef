import type { ApiMethod, ApiRequest } from '../api/contract.js';
import { sortKeys } from '../pipeline/canonical.js';
import type { BundleResponse } from './bundle-format.js';

/**
 * How a bundle's recorded API answers (run/responses.json) are keyed, shared by the export (Node
 * side) and the review mode (renderer): the request in canonical JSON (sorted keys, no spaces),
 * so a lookup is a string comparison.
 */
export function canonicalRequest(request: unknown): string {
  return JSON.stringify(sortKeys(request ?? {}));
}

/** The methods an export records; the review mode answers these from the bundle. */
export const RECORDED_METHODS = [
  'runs.list',
  'run.node',
  'run.output',
  'artifact.preview',
  'artifact.profile',
  'charts.experiments',
  'charts.run',
  'charts.driftReports',
  'charts.drift',
  'lineage.graph',
] as const satisfies readonly ApiMethod[];
export type RecordedMethod = (typeof RECORDED_METHODS)[number];

/** Sample rows per table: `artifact.preview` is recorded as `{hash, offset: 0, limit: SAMPLE_ROWS}`. */
export const SAMPLE_ROWS = 100;
/** `artifact.profile` is recorded with the inspector's table view settings. */
export const PROFILE_REQUEST = { bins: 16, topK: 8 } as const;

/** The recorded answer to exactly this request, or undefined. */
export function findRecorded<M extends RecordedMethod>(
  responses: readonly BundleResponse[],
  method: M,
  request: ApiRequest<M>,
): BundleResponse | undefined {
  const key = canonicalRequest(request);
  return responses.find((r) => r.method === method && r.request === key);
}
