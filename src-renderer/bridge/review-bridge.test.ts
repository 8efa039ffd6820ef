import { describe, expect, it } from 'vitest';
import { API_METHODS, type ApiMethod } from '../../src-shared/api/contract.js';
import { CHURN_RUN, churnBundle, recordingBridge, TELCO_TABLE } from '../review/fixtures.test-helpers.js';
import { BridgeError } from './bridge.js';
import { createModeBridge, createReviewBridge, REVIEW_POLICY } from './review-bridge.js';

async function failure(p: Promise<unknown>): Promise<BridgeError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof BridgeError)) throw new Error(`expected a BridgeError, got ${String(e)}`);
  return e;
}

describe('ReviewBridge: recorded answers', () => {
  const bundle = churnBundle();

  it('answers a node run record, an output and a profile from the bundle, without asking the host', async () => {
    const host = recordingBridge();
    const review = createReviewBridge(host.bridge, bundle);
    const record = await review.call('run.node', { runId: CHURN_RUN, node: 'evaluate' });
    expect(record).toMatchObject({ node: 'evaluate', status: 'succeeded', ms: 382, cacheHit: false });
    const report = await review.call('run.output', { runId: CHURN_RUN, node: 'checks', port: 'report' });
    // The expectations report of the real run: 11 of 7,043 rows had no total charges.
    expect(report.report).toMatchObject({ kind: 'expectations', rows: 7043, rowsOut: 7032, rowsRejected: 11 });
    const telco = await review.call('run.output', { runId: CHURN_RUN, node: 'telco', port: 'out' });
    expect(telco.summary).toMatchObject({ kind: 'table', rows: 7043 });
    expect(telco.summary.columns?.map((c) => c.name)).toContain('churn');
    // The inspector asks with its own settings, which are the ones recorded.
    const profile = await review.call('artifact.profile', { hash: TELCO_TABLE, bins: 16, topK: 8 });
    expect(profile.rows).toBe(7043);
    expect(profile.columns.find((c) => c.name === 'tenure')?.histogram?.counts.length).toBe(16);
    expect(host.calls).toEqual([]);
  });

  it('serves any page inside the sample, whatever page size was recorded, and names the node beyond it', async () => {
    const review = createReviewBridge(recordingBridge().bridge, bundle);
    const first = await review.call('artifact.preview', { hash: TELCO_TABLE, offset: 0, limit: 200 });
    expect(first.rows).toHaveLength(100);
    expect(first.totalRows).toBe(7043);
    const middle = await review.call('artifact.preview', { hash: TELCO_TABLE, offset: 40, limit: 10 });
    expect(middle.offset).toBe(40);
    expect(middle.rows).toEqual(first.rows.slice(40, 50));
    const beyond = await failure(review.call('artifact.preview', { hash: TELCO_TABLE, offset: 200, limit: 200 }));
    expect(beyond.code).toBe('not-in-bundle');
    expect(beyond.message).toBe('Rows from 201 of Telco churn (out) were not exported with this bundle: it carries the first 100.');
  });

  it('matches a request whatever its key order, and ignores sizing fields the exporter did not use', async () => {
    const review = createReviewBridge(recordingBridge().bridge, bundle);
    // Recorded as {"pipelineId": ...}; the charts panel asks for the newest 200 first.
    const experiments = await review.call('charts.experiments', { limit: 200, pipelineId: 'telco-churn-model' });
    expect(experiments.runIds).toEqual([CHURN_RUN]);
    const graph = await review.call('lineage.graph', { subject: CHURN_RUN });
    expect(graph.items.filter((i) => i.kind === 'step').map((i) => i.label)).toEqual(['telco', 'checks', 'split', 'scale', 'encode', 'model', 'evaluate']);
  });

  it('says what was not exported, naming the node', async () => {
    const review = createReviewBridge(recordingBridge().bridge, bundle);
    const report = await failure(review.call('run.output', { runId: CHURN_RUN, node: 'evaluate', port: 'report' }));
    expect(report.code).toBe('not-in-bundle');
    expect(report.message).toBe('The report output of node evaluate was not exported with this bundle.');
    const rows = await failure(review.call('artifact.preview', { hash: '1143744cec83b7287250c7135c6f6fb1c0d66c9e6d1ad2f0a129d0e943738755', offset: 0, limit: 200 }));
    expect(rows.message).toBe('The rows of Evaluate on test rows (predictions) were not exported with this bundle.');
    const charts = await failure(review.call('charts.run', { runId: CHURN_RUN }));
    expect(charts.message).toContain('were not exported with this bundle');
  });

  it('refuses what changes or runs anything, without reaching the host', async () => {
    const host = recordingBridge();
    const review = createReviewBridge(host.bridge, bundle);
    const refused: [ApiMethod, unknown][] = [
      ['run.start', { document: bundle.document, path: null }],
      ['run.explain', { document: bundle.document, path: null }],
      ['document.save', { path: '/tmp/x.plumb', document: bundle.document }],
      ['document.autosave', { path: null, document: bundle.document }],
      ['models.stage', { name: 'm', version: 1, stage: 'production', comment: 'why' }],
      ['bundle.export', { path: '/tmp/x.plumb', out: '/tmp/x.plumbz' }],
    ];
    for (const [method, request] of refused) {
      const e = await failure(review.call(method, request as never));
      expect(e.code, method).toBe('read-only');
      expect(e.message).toMatch(/^Review mode is read-only: import the bundle as editable to /);
    }
    expect(host.calls).toEqual([]);
  });

  it('forwards the playground, app info, dialogs and bundle calls to the host unchanged', async () => {
    const host = recordingBridge({ 'playground.inspect': { signature: 'from the host' }, 'bundle.saveComments': { out: '/o', bytes: 1, sha256: 'x' } });
    const review = createReviewBridge(host.bridge, bundle);
    const source = { path: '/state/reviews/abc/models/churn-v1.onnx' };
    await expect(review.call('playground.inspect', { source })).resolves.toEqual({ signature: 'from the host' });
    await review.call('bundle.saveComments', { sha256: bundle.sha256, out: '/o', comments: [] });
    await review.call('app.info', {});
    await review.call('dialog.open', { kind: 'bundle' });
    expect(host.calls.map((c) => c.method)).toEqual(['playground.inspect', 'bundle.saveComments', 'app.info', 'dialog.open']);
    expect(host.calls[0]!.request).toEqual({ source });
  });

  it('refuses a recorded answer that does not match the contract (a bundle is untrusted)', async () => {
    const tampered = { ...bundle, responses: bundle.responses.map((r) => (r.method === 'run.node' ? { ...r, response: { node: 'evaluate' } } : r)) };
    const review = createReviewBridge(recordingBridge().bridge, tampered);
    const e = await failure(review.call('run.node', { runId: CHURN_RUN, node: 'evaluate' }));
    expect(e.code).toBe('bad-bundle');
    expect(e.message).toMatch(/^run\.node: the answer recorded in the bundle is not valid \(/);
  });

  it('has a policy for every method of the contract', () => {
    expect(API_METHODS.filter((m) => REVIEW_POLICY[m] === undefined)).toEqual([]);
  });
});

describe('the mode bridge', () => {
  it('is the host while nothing is reviewed, the bundle while one is, and the host again after', async () => {
    const host = recordingBridge({ 'run.node': { from: 'host' } });
    let opened: ReturnType<typeof churnBundle> | null = null;
    const bridge = createModeBridge(host.bridge, () => opened);
    const request = { runId: CHURN_RUN, node: 'evaluate' };
    await expect(bridge.call('run.node', request)).resolves.toEqual({ from: 'host' });
    opened = churnBundle();
    await expect(bridge.call('run.node', request)).resolves.toMatchObject({ status: 'succeeded', ms: 382 });
    await expect(bridge.call('run.start', { document: opened.document, path: null })).rejects.toMatchObject({ code: 'read-only' });
    opened = null;
    await expect(bridge.call('run.node', request)).resolves.toEqual({ from: 'host' });
    expect(host.of('run.node')).toHaveLength(2);
    expect(host.of('run.start')).toHaveLength(0);
  });
});
