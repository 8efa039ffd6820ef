import type { z } from 'zod';
import { API, type ApiMethod, type ApiResponse } from '../../src-shared/api/contract.js';
import type { BundleResponse } from '../../src-shared/bundle/bundle-format.js';
import { sortKeys } from '../../src-shared/pipeline/canonical.js';

/**
 * The API answers a bundle recorded at export, indexed for the review mode's lookups. A request
 * is matched on its canonical JSON (sorted keys, no whitespace) so that the exporter's spacing
 * or key order never decides whether an answer is found.
 */

/** Canonical text of a request: what a lookup compares. */
export function requestKey(method: string, request: unknown): string {
  return `${method}\u0000${JSON.stringify(sortKeys(request ?? {}))}`;
}

/**
 * Fields that only size an answer (how many runs, how many bins): a recorded answer for the
 * same subject is still the right one when they differ, since the bundle holds what it holds.
 */
const SIZING_FIELDS = ['limit', 'bins', 'topK'] as const;

function withoutSizing(request: unknown): unknown {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return request;
  const rest: Record<string, unknown> = { ...(request as Record<string, unknown>) };
  for (const f of SIZING_FIELDS) delete rest[f];
  return rest;
}

export interface RecordedEntry {
  readonly method: string;
  readonly request: unknown;
  readonly response: unknown;
}

export type PreviewAnswer = ApiResponse<'artifact.preview'>;

export interface RecordedResponses {
  /** The recorded answer to exactly this request (canonically), else one that differs only in sizing fields. */
  find(method: string, request: unknown): RecordedEntry | undefined;
  /** Every recorded answer of a method. */
  all(method: string): readonly RecordedEntry[];
  /** The recorded rows of a table artifact (the bundle's sample), whatever page was asked at export. */
  preview(hash: string): PreviewAnswer | undefined;
  readonly size: number;
}

/** Builds the index; entries whose request is not JSON are left out (and counted in `skipped`). */
export function indexResponses(responses: readonly BundleResponse[]): RecordedResponses & { readonly skipped: number } {
  const exact = new Map<string, RecordedEntry>();
  const relaxed = new Map<string, RecordedEntry>();
  const byMethod = new Map<string, RecordedEntry[]>();
  const previews = new Map<string, PreviewAnswer>();
  let skipped = 0;
  for (const r of responses) {
    let request: unknown;
    try {
      request = JSON.parse(r.request);
    } catch {
      skipped++;
      continue;
    }
    const entry: RecordedEntry = { method: r.method, request, response: r.response };
    // The first answer recorded for a request wins: an exporter writing one twice must not flip answers.
    const key = requestKey(r.method, request);
    if (!exact.has(key)) exact.set(key, entry);
    const loose = requestKey(r.method, withoutSizing(request));
    if (!relaxed.has(loose)) relaxed.set(loose, entry);
    byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), entry]);
    if (r.method === 'artifact.preview') {
      const parsed = API['artifact.preview'].response.safeParse(r.response);
      // The page starting at row 0 is the sample; keep the longest if several were recorded.
      if (parsed.success && parsed.data.offset === 0) {
        const prev = previews.get(parsed.data.hash);
        if (!prev || prev.rows.length < parsed.data.rows.length) previews.set(parsed.data.hash, parsed.data);
      }
    }
  }
  return {
    find: (method, request) => exact.get(requestKey(method, request)) ?? relaxed.get(requestKey(method, withoutSizing(request))),
    all: (method) => byMethod.get(method) ?? [],
    preview: (hash) => previews.get(hash),
    size: exact.size,
    skipped,
  };
}

/** Parses a recorded answer with the contract, as the bridge parses a host's: a bundle is untrusted input. */
export function parseRecorded<M extends ApiMethod>(method: M, response: unknown): { ok: true; value: ApiResponse<M> } | { ok: false; reason: string } {
  const parsed = (API[method].response as z.ZodType).safeParse(response);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || '(answer)'}: ${issue?.message ?? 'invalid'}` };
  }
  // The schema is API[method].response, whose output type is ApiResponse<M> by definition.
  return { ok: true, value: parsed.data as ApiResponse<M> };
}

const indexCache = new WeakMap<readonly BundleResponse[], RecordedResponses>();

/** The index of a bundle's answers, built once per opened bundle. */
export function recordedOf(bundle: { readonly responses: readonly BundleResponse[] }): RecordedResponses {
  let index = indexCache.get(bundle.responses);
  if (!index) {
    index = indexResponses(bundle.responses);
    indexCache.set(bundle.responses, index);
  }
  return index;
}
