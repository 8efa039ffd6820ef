import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import type { OpenedBundle } from '../../src-shared/bundle/bundle-format.js';
import { parseRecorded, recordedOf, type RecordedResponses } from '../review/recorded.js';
import { BridgeError, type Bridge } from './bridge.js';

/**
 * The bridge of the review mode. A reviewer has the bundle, not the data nor the lineage store
 * it came from, so the read-only calls the inspector and the charts panel make are answered from
 * the API answers recorded at export; what needs no data (the playground on bundled models, app
 * info, dialogs, bundles) goes to the host; what changes or runs anything is refused.
 *
 * Every method of the contract has a policy here (a test checks it); a method added to the
 * contract without one is refused until someone decides what the review mode does with it.
 */
export type ReviewPolicy = 'recorded' | 'forward' | 'refuse';

export const REVIEW_POLICY: Readonly<Partial<Record<ApiMethod, ReviewPolicy>>> = {
  'app.info': 'forward',
  'nodes.list': 'forward',
  // Reading a pipeline file is harmless; the controller leaves review mode before it shows one.
  'document.open': 'forward',
  'document.recent': 'forward',
  'document.validate': 'forward',
  'document.save': 'refuse',
  'document.autosave': 'refuse',
  // The editor's kept work, not the bundle's: recovering or dropping it is the user's own business.
  'document.recover': 'forward',
  'document.discardAutosave': 'forward',
  'dialog.open': 'forward',
  'dialog.save': 'forward',
  'run.start': 'refuse',
  'run.explain': 'refuse',
  'run.cancel': 'refuse',
  'runs.list': 'recorded',
  'runs.experiments': 'recorded',
  'artifact.preview': 'recorded',
  'artifact.profile': 'recorded',
  'run.output': 'recorded',
  'run.node': 'recorded',
  'charts.experiments': 'recorded',
  'charts.run': 'recorded',
  'charts.driftReports': 'recorded',
  'charts.drift': 'recorded',
  'lineage.graph': 'recorded',
  // The playground works on the bundled ONNX files (extracted by bundle.open) or any model the reviewer has.
  'playground.inspect': 'forward',
  'playground.predict': 'forward',
  'playground.latency': 'forward',
  // Allowed: it reads a CSV the reviewer picks and writes predictions where the reviewer says;
  // the bundle, the pipeline and the lineage store are left as they are.
  'playground.batch': 'forward',
  'playground.cancel': 'forward',
  // The reviewer's own registry (the playground's picker); changing a stage is refused.
  'models.list': 'forward',
  'models.get': 'forward',
  'models.stage': 'refuse',
  // Exporting reads the editor's pipeline file and its runs, not the bundle: import it first.
  'bundle.export': 'refuse',
  'bundle.open': 'forward',
  'bundle.saveComments': 'forward',
  'pipeline.diff': 'forward',
  // Serving endpoints are the reviewer's own models: looking is fine, starting or rerouting is not review.
  'serving.list': 'forward',
  'serving.stats': 'forward',
  // Reading the logs: nothing changes.
  'serving.drift': 'forward',
  'serving.accuracy': 'forward',
  'serving.start': 'refuse',
  'serving.stop': 'refuse',
  'serving.route': 'refuse',
  // Compiling reads the editor's pipeline file, and importing a cluster run writes the lineage store.
  'cluster.compile': 'refuse',
  'cluster.sync': 'refuse',
};

/** What a refused call would have done, for the message. */
const REFUSED_ACTION: Partial<Record<ApiMethod, string>> = {
  'run.start': 'run it',
  'run.explain': 'see what would run',
  'run.cancel': 'run it',
  'document.save': 'save it',
  'document.autosave': 'keep edits',
  'models.stage': 'change a model stage',
  'bundle.export': 'export it again',
  'serving.start': 'serve its models',
  'serving.stop': 'change serving',
  'serving.route': 'change serving',
  'cluster.compile': 'export it for Argo Workflows',
  'cluster.sync': 'import a cluster run',
};

export function readOnlyError(method: ApiMethod): BridgeError {
  const action = REFUSED_ACTION[method] ?? 'do this';
  return new BridgeError('read-only', `Review mode is read-only: import the bundle as editable to ${action} (${method} refused).`);
}

/** Node id (and port) of each artifact the summary lists, so a miss names what the user clicked. */
function artifactOwners(bundle: OpenedBundle): Map<string, string> {
  const owners = new Map<string, string>();
  for (const node of bundle.summary?.nodes ?? []) {
    for (const o of node.outputs) if (!owners.has(o.hash)) owners.set(o.hash, `${node.label ?? node.id} (${o.port})`);
  }
  return owners;
}

function str(request: unknown, field: string): string {
  const v = request && typeof request === 'object' ? (request as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' ? v : '?';
}

function missMessage(method: ApiMethod, request: unknown, owners: Map<string, string>, recorded: RecordedResponses): string {
  const tableOf = (hash: string): string => owners.get(hash) ?? `table ${hash.slice(0, 12)}`;
  switch (method) {
    case 'artifact.preview': {
      const hash = str(request, 'hash');
      const sample = recorded.preview(hash);
      const offset = (request as { offset?: number }).offset ?? 0;
      return sample
        ? `Rows from ${offset + 1} of ${tableOf(hash)} were not exported with this bundle: it carries the first ${sample.rows.length}.`
        : `The rows of ${tableOf(hash)} were not exported with this bundle.`;
    }
    case 'artifact.profile':
      return `The column statistics of ${tableOf(str(request, 'hash'))} were not exported with this bundle.`;
    case 'run.output':
      return `The ${str(request, 'port')} output of node ${str(request, 'node')} was not exported with this bundle.`;
    case 'run.node':
      return `The run record (timings, log) of node ${str(request, 'node')} was not exported with this bundle.`;
    case 'charts.run':
      return `The charts of run ${str(request, 'runId').slice(0, 12)} were not exported with this bundle.`;
    case 'charts.drift':
      return `The drift report of node ${str(request, 'node')} was not exported with this bundle.`;
    case 'lineage.graph':
      return `The lineage of ${str(request, 'subject')} was not exported with this bundle.`;
    default:
      return `This bundle does not carry the data for ${method}: it was not exported with it.`;
  }
}

/**
 * A recorded preview page: the bundle carries a table's first rows (its sample), so any page
 * inside them is answered from it, whatever page size the exporter asked for.
 */
function previewFrom(recorded: RecordedResponses, request: ApiRequest<'artifact.preview'>): ApiResponse<'artifact.preview'> | undefined {
  const sample = recorded.preview(request.hash);
  if (!sample) return undefined;
  const offset = request.offset ?? 0;
  const limit = request.limit ?? 100;
  if (offset >= sample.rows.length && !(offset === 0 && sample.rows.length === 0)) return undefined;
  return { ...sample, offset, rows: sample.rows.slice(offset, offset + limit) };
}

/** A bridge answering from one opened bundle; `inner` is the host's bridge. */
export function createReviewBridge(inner: Bridge, bundle: OpenedBundle): Bridge {
  const recorded = recordedOf(bundle);
  const owners = artifactOwners(bundle);

  const answer = <M extends ApiMethod>(method: M, request: ApiRequest<M>): ApiResponse<M> => {
    const entry = recorded.find(method, request);
    let raw: unknown = entry?.response;
    if (!entry && method === 'artifact.preview') raw = previewFrom(recorded, request as ApiRequest<'artifact.preview'>);
    if (raw === undefined) throw new BridgeError('not-in-bundle', missMessage(method, request, owners, recorded));
    const parsed = parseRecorded(method, raw);
    if (!parsed.ok) throw new BridgeError('bad-bundle', `${method}: the answer recorded in the bundle is not valid (${parsed.reason})`);
    return parsed.value;
  };

  return {
    async call(method, request) {
      switch (REVIEW_POLICY[method] ?? 'refuse') {
        case 'forward':
          return inner.call(method, request);
        case 'refuse':
          throw readOnlyError(method);
        case 'recorded':
          return answer(method, request);
      }
    },
    onEvent: (listener) => inner.onEvent(listener),
    onMenu: (listener) => inner.onMenu(listener),
    onConnection: (listener) => inner.onConnection(listener),
    batchDownloadUrl: (job) => inner.batchDownloadUrl(job),
    // The host's bridge outlives a review: it is disposed by whoever created it.
    dispose() {},
  };
}

/**
 * The bridge the app's controllers hold: the host's, or while a bundle is open for review, that
 * bundle's review bridge. Controllers are built once at start; this is how they switch modes.
 */
export function createModeBridge(inner: Bridge, openedBundle: () => OpenedBundle | null): Bridge {
  const reviewBridges = new WeakMap<OpenedBundle, Bridge>();
  const current = (): Bridge => {
    const bundle = openedBundle();
    if (!bundle) return inner;
    let bridge = reviewBridges.get(bundle);
    if (!bridge) {
      bridge = createReviewBridge(inner, bundle);
      reviewBridges.set(bundle, bridge);
    }
    return bridge;
  };
  return {
    call: (method, request) => current().call(method, request),
    onEvent: (listener) => inner.onEvent(listener),
    onMenu: (listener) => inner.onMenu(listener),
    onConnection: (listener) => inner.onConnection(listener),
    batchDownloadUrl: (job) => inner.batchDownloadUrl(job),
    dispose: () => inner.dispose(),
  };
}
