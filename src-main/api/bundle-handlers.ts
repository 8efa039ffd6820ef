import type { z } from 'zod';
import { API, type ApiMethod, type ApiResponse } from '../../src-shared/api/contract.js';
import type { RecordedMethod } from '../../src-shared/bundle/recorded-requests.js';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { BundleError } from '../bundle/bundle-error.js';
import { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from '../bundle/bundle-limits.js';
import { exportBundle } from '../bundle/export-bundle.js';
import { openBundle, type LoadedBundle } from '../bundle/open-bundle.js';
import { OpenedBundles } from '../bundle/opened-bundles.js';
import type { OwnCall } from '../bundle/record-responses.js';
import { saveWithComments } from '../bundle/save-comments.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import { ApiCallError } from './api-service.js';

type BundleMethod = Extract<ApiMethod, 'bundle.export' | 'bundle.open' | 'bundle.saveComments'>;
type Handler<M extends ApiMethod> = (req: z.infer<(typeof API)[M]['request']>) => Promise<ApiResponse<M>>;

export interface BundleDeps {
  readonly lineage: LineageStore;
  readonly home: string;
  readonly version: string;
  readonly catalogue: Catalogue;
  /** The service's own read handlers, for the answers an export records (resolved at call time). */
  readonly handlers: () => { readonly [M in RecordedMethod]: Handler<M> };
  readonly limits?: BundleLimits;
}

/** A dropped file travels as base64; 64 MiB of bundle is the most the browser host sends. */
const MAX_DROPPED_BYTES = 64 * 1024 * 1024;

/** Review bundles: export, open (verify + extract models), save with comments. */
export function bundleHandlers(deps: BundleDeps): { [M in BundleMethod]: Handler<M> } {
  const opened = new OpenedBundles();
  const limits = deps.limits ?? DEFAULT_BUNDLE_LIMITS;
  // Validated like a host call, so a recorded answer is exactly what the app would have got.
  const call: OwnCall = async (method, request) => {
    const handler = deps.handlers()[method] as (req: unknown) => Promise<unknown>;
    return (await handler(API[method].request.parse(request))) as ApiResponse<typeof method>;
  };

  // Out of memory but opened from a file: read and verify it again; it must still be the same bundle.
  async function reopen(sha256: string): Promise<LoadedBundle> {
    const path = opened.pathOf(sha256);
    const missing = (): BundleError => new BundleError('not-found', `bundle ${sha256.slice(0, 12)} is not open (open it again to save comments)`);
    if (!path) throw missing();
    const bundle = await openBundle({ path }, { home: deps.home, catalogue: deps.catalogue, limits }).catch(() => null);
    if (!bundle || bundle.opened.sha256 !== sha256) throw missing();
    opened.put(bundle);
    return bundle;
  }

  return {
    'bundle.export': (req) =>
      asApiError(async () => {
        const r = await exportBundle({ lineage: deps.lineage, catalogue: deps.catalogue, appVersion: deps.version, call }, req);
        return { out: r.out, bytes: r.bytes, entries: r.entries, sha256: r.sha256, warnings: r.warnings };
      }),

    'bundle.open': (req) =>
      asApiError(async () => {
        const source = 'path' in req ? { path: req.path } : { name: req.name, bytes: decodeDropped(req.name, req.base64) };
        const bundle = await openBundle(source, { home: deps.home, catalogue: deps.catalogue, limits });
        opened.put(bundle);
        return bundle.opened;
      }),

    'bundle.saveComments': (req) =>
      asApiError(async () => {
        const bundle = opened.get(req.sha256) ?? (await reopen(req.sha256));
        const r = await saveWithComments(bundle, req, deps.version);
        return { out: r.out, bytes: r.bytes, sha256: r.sha256 };
      }),
  };
}

function decodeDropped(name: string, base64: string): Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_DROPPED_BYTES) throw new BundleError('too-large', `${name} is ${bytes.length} bytes; a dropped bundle is at most ${MAX_DROPPED_BYTES} (open it from a path instead)`);
  return bytes;
}

async function asApiError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof BundleError) throw new ApiCallError(e.code, e.message);
    throw e;
  }
}
