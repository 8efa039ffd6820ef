import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, type PlumbEvent } from '../../src-shared/api/contract.js';
import { createPlumbApp } from '../composition.js';
import { plumb, registerTwoVersions, ROOT, sampleCsv } from '../serving/serving.test-helpers.js';
import type { ApiService } from './api-service.js';

/**
 * serving.* through the real service: endpoints of telco_churn versions registered by
 * `plumb run examples/telco-churn-deploy.plumb`, called over loopback, routed from the API, and a
 * deploy.serve node asking the app (and, under `plumb run`, being told to use serve-model).
 */
let dir: string;
let home: string;
let service: ApiService;
const events: PlumbEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h5-serving-api-'));
  home = join(dir, 'home');
  await registerTwoVersions(dir, home);
  service = await createPlumbApp({ home, abilities: { host: 'browser' }, initialPath: null, workers: 1, serveFromNodes: true });
  service.onEvent((e) => events.push(e));
}, 180_000);
afterEach(async () => {
  // A failed test leaves no endpoint behind for the next one.
  const { endpoints } = API['serving.list'].response.parse(await service.call('serving.list', {}));
  for (const e of endpoints) await service.call('serving.stop', { name: e.name });
});
afterAll(async () => {
  await service?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** The first `n` rows of samples/telco_churn.csv without the target column, as a caller sends them. */
async function featureCsv(n: number): Promise<string> {
  const lines = (await sampleCsv(n)).trimEnd().split('\n');
  // churn is the first column; no field before it holds a comma.
  return lines.map((l) => l.slice(l.indexOf(',') + 1)).join('\n') + '\n';
}

/** Rows sent as CSV, the way a caller with a file would. */
async function predict(url: string, token: string | null, csv: string): Promise<{ status: number; json: { version?: number; predictions?: unknown[]; error?: string } }> {
  const res = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: csv,
  });
  return { status: res.status, json: (await res.json()) as { version?: number; predictions?: unknown[] } };
}

const updates = (name: string) =>
  events.flatMap((e) => (e.event === 'serving.update' ? e.endpoints.filter((x) => x.name === name) : []));

describe('serving API through the service', () => {
  it('starts an endpoint, counts its requests in serving.update and serving.stats, routes it, stops it', async () => {
    const started = API['serving.start'].response.parse(await service.call('serving.start', { model: 'telco-churn:1' }));
    const ep = started.endpoint;
    expect(ep.name).toBe('telco-churn');
    expect(ep.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ep.token).toEqual(expect.any(String));
    expect(ep.versions).toEqual([1, 2]);
    expect(ep.routing).toMatchObject({ strategy: 'single', primary: 1, candidate: null, split: { '1': 100 } });

    // Starting the same reference again answers the running endpoint rather than a second server.
    const again = API['serving.start'].response.parse(await service.call('serving.start', { model: 'telco-churn:1' }));
    expect(again.endpoint.url).toBe(ep.url);

    const sample = await featureCsv(3);
    expect((await predict(ep.url, null, sample)).status).toBe(401);
    for (let i = 0; i < 5; i++) {
      const answer = await predict(ep.url, ep.token, sample);
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      expect(answer.json.version).toBe(1);
      expect(answer.json.predictions).toHaveLength(3);
    }
    await new Promise((r) => setTimeout(r, 1300));
    const seen = updates('telco-churn');
    expect(seen.length).toBeGreaterThan(0);
    // Requests routed to a version; the one refused for its missing token reached none.
    expect(seen.at(-1)!.totals.requests).toBe(5);
    expect(seen.reduce((n, u) => n + u.samples.filter((s) => s.version === 1).reduce((k, s) => k + s.requests, 0), 0)).toBe(5);

    const listed = API['serving.list'].response.parse(await service.call('serving.list', {}));
    expect(listed.endpoints.map((e) => [e.name, e.model, e.url])).toEqual([['telco-churn', 'telco-churn:1', ep.url]]);
    expect(listed.endpoints[0].logPath).toMatch(/serving[\\/]telco-churn[\\/].+\.jsonl$/);

    // Blue-green: every new request goes to version 2.
    const switched = API['serving.route'].response.parse(await service.call('serving.route', { name: 'telco-churn', change: { action: 'switch', version: 2 } }));
    expect(switched.routing).toMatchObject({ strategy: 'single', primary: 2, split: { '2': 100 } });
    expect((await predict(ep.url, ep.token, sample)).json.version).toBe(2);

    // Canary of version 1 at 50%, stepped by 25, then rolled back; a refused change says why.
    const canary = API['serving.route'].response.parse(
      await service.call('serving.route', { name: 'telco-churn', change: { action: 'canary', version: 1, percent: 50, step: 25 } }),
    );
    expect(canary.routing).toMatchObject({ strategy: 'canary', primary: 2, candidate: 1, percent: 50, split: { '1': 50, '2': 50 } });
    await expect(service.call('serving.route', { name: 'telco-churn', change: { action: 'ab', version: 1, percent: 10 } })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/canary of version 1 is in progress/),
    });
    const stepped = API['serving.route'].response.parse(await service.call('serving.route', { name: 'telco-churn', change: { action: 'canary-step' } }));
    expect(stepped.routing.percent).toBe(75);
    const back = API['serving.route'].response.parse(await service.call('serving.route', { name: 'telco-churn', change: { action: 'rollback' } }));
    expect(back.routing).toMatchObject({ strategy: 'single', primary: 2, candidate: null });

    await new Promise((r) => setTimeout(r, 1100));
    const stats = API['serving.stats'].response.parse(await service.call('serving.stats', { name: 'telco-churn' }));
    expect(stats.totals.requests).toBe(6);
    expect(stats.history.map((h) => h.kind)).toEqual(['start', 'switch', 'canary-start', 'canary-step', 'rollback']);
    const byVersion = Object.fromEntries(stats.versions.map((v) => [v.version, v.points.reduce((n, p) => n + p.requests, 0)]));
    expect(byVersion).toEqual({ 1: 5, 2: 1 });
    expect(stats.versions.every((v) => v.points.length === stats.at.length)).toBe(true);
    expect(stats.versions.find((v) => v.version === 1)!.points.some((p) => p.p50 !== null && p.p50 > 0)).toBe(true);
    // The routing changes made since the previous update travel in serving.update too.
    expect(updates('telco-churn').flatMap((u) => u.history.map((h) => h.kind))).toEqual(['start', 'switch', 'canary-start', 'canary-step', 'rollback']);

    expect(API['serving.stop'].response.parse(await service.call('serving.stop', { name: 'telco-churn' }))).toEqual({ stopped: true });
    await expect(fetch(`${ep.url}/health`)).rejects.toThrow();
    expect(API['serving.list'].response.parse(await service.call('serving.list', {})).endpoints).toEqual([]);
    await expect(service.call('serving.stats', { name: 'telco-churn' })).rejects.toMatchObject({ code: 'not-found' });
  }, 60_000);

  it('refuses an unknown model and a bad change with a reason', async () => {
    await expect(service.call('serving.start', { model: 'no-such-model' })).rejects.toMatchObject({ code: 'failed', message: expect.stringMatching(/no-such-model/) });
    await expect(service.call('serving.route', { name: 'x', change: { action: 'fly' } })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(service.call('serving.route', { name: 'x', change: { action: 'promote' } })).rejects.toMatchObject({ code: 'not-found', message: 'no endpoint "x" is running' });
  });

  it('a deploy.serve node starts the endpoint in the app and rolls a new version out as a canary', async () => {
    const pipeline = (model: string, strategy: string) => ({
      format: 'plumb.pipeline',
      version: 2,
      id: 'serve-telco',
      name: 'Serve telco churn',
      description: '',
      nodes: [{ id: 'serve', type: 'deploy.serve', typeVersion: 1, position: { x: 0, y: 0 }, params: { model, strategy, percent: 20 } }],
      edges: [],
    });
    const runOf = async (doc: unknown): Promise<Record<string, unknown>> => {
      const { runId } = API['run.start'].response.parse(await service.call('run.start', { document: doc, path: null }));
      for (let i = 0; i < 200 && !events.some((e) => e.event === 'run' && e.run === runId && e.status !== 'running'); i++) await new Promise((r) => setTimeout(r, 100));
      const out = API['run.output'].response.parse(await service.call('run.output', { runId, node: 'serve', port: 'report' }));
      return out.report as Record<string, unknown>;
    };
    const first = await runOf(pipeline('telco-churn:1', 'replace'));
    expect(first).toMatchObject({ kind: 'deploy.serve', served: true, name: 'telco-churn', version: 1, started: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/) });
    const second = await runOf(pipeline('telco-churn:2', 'canary'));
    expect(second).toMatchObject({ served: true, version: 2, started: false, url: first.url, routing: 'canary: version 1 80%, version 2 20%' });
    // Never from the cache: running it again acts again (here: the canary is already in place).
    const third = await runOf(pipeline('telco-churn:2', 'canary'));
    expect(third).toMatchObject({ served: true, started: false });
    const [endpoint] = API['serving.list'].response.parse(await service.call('serving.list', {})).endpoints;
    expect(endpoint.routing).toMatchObject({ strategy: 'canary', primary: 1, candidate: 2, percent: 20 });
    await service.call('serving.stop', { name: 'telco-churn' });

    // Wired to deploy.onnx's output: the version that node registered (1: the example's own C) is served.
    const example = JSON.parse(await readFile(join(ROOT, 'examples/telco-churn-deploy.plumb'), 'utf8')) as { nodes: unknown[]; edges: unknown[] };
    const wired = await runOf({
      ...example,
      nodes: [...example.nodes, { id: 'serve', type: 'deploy.serve', typeVersion: 1, position: { x: 900, y: 0 }, params: {} }],
      edges: [...example.edges, { id: 'e-serve', from: { node: 'deploy', port: 'onnx' }, to: { node: 'serve', port: 'onnx' } }],
    });
    expect(wired).toMatchObject({ served: true, name: 'telco-churn', version: 1, started: true });
  }, 60_000);

  it('under plumb run the node starts nothing and names plumb serve-model', async () => {
    const file = join(dir, 'serve.plumb');
    await writeFile(
      file,
      JSON.stringify({
        format: 'plumb.pipeline',
        version: 2,
        id: 'serve-cli',
        name: 'Serve from the CLI',
        description: '',
        nodes: [{ id: 'serve', type: 'deploy.serve', typeVersion: 1, position: { x: 0, y: 0 }, params: { model: 'telco-churn@latest' } }],
        edges: [],
      }),
    );
    const cliHome = home;
    const ran = await plumb(cliHome, 'run', file, '--json');
    expect(ran.code, ran.stderr).toBe(0);
    const runId = (JSON.parse(ran.stdout.trim().split('\n').at(-1)!) as { run: string }).run;
    const shown = await plumb(cliHome, 'show', runId, '--node', 'serve', '--json');
    expect(shown.stdout).toContain('plumb serve-model telco-churn@latest');
    expect(shown.stdout).toContain('"served":false');
  }, 60_000);
});

describe('the logged traffic: drift against the training data, the log read whole by a pipeline, live accuracy', () => {
  /** Rows 0..n-1 of the sample (the model's columns, no target) with their true labels; `shift` changes two columns. */
  async function rowsOf(n: number, shift = false): Promise<{ csv: string; labels: boolean[] }> {
    const [header, ...lines] = (await sampleCsv(n)).trimEnd().split('\n');
    const names = header.split(',').map((h) => h.replace(/"/g, ''));
    const tenure = names.indexOf('tenure');
    const charges = names.indexOf('monthly_charges');
    // churn is a BOOLEAN column of the training table ("Yes" in the file): the model answers true or false.
    const labels: boolean[] = [];
    const out = [header.split(',').slice(1).join(',')];
    for (const line of lines) {
      const f = line.split(',');
      labels.push(f[0] === '"Yes"');
      if (shift) {
        f[tenure] = String(60 + (Number(f[tenure]) % 13)); // long-standing customers only
        f[charges] = String(Number(f[charges]) * 3); // and three times the charges
      }
      out.push(f.slice(1).join(','));
    }
    return { csv: out.join('\n') + '\n', labels };
  }

  it('serving.drift compares the newest logged rows with the raw training rows, column by column, and says which drifted', async () => {
    const { endpoint: ep } = API['serving.start'].response.parse(await service.call('serving.start', { model: 'telco-churn:1' }));
    const same = await rowsOf(300);
    expect((await predict(ep.url, ep.token, same.csv)).status).toBe(200);

    const calm = API['serving.drift'].response.parse(await service.call('serving.drift', { name: 'telco-churn', lastRows: 300 }));
    expect(calm).toMatchObject({ name: 'telco-churn', version: 1, loggedRows: 300 });
    const inputs = same.csv.split('\n')[0].split(',').map((h) => h.replace(/"/g, ''));
    // Every input column, under its training name, and nothing of the log's own (version, latency, predicted).
    expect(calm.report.columns.map((c) => c.name).sort()).toEqual([...inputs].sort());
    // The reference is the training split BEFORE scaling: raw tenure runs to 72 months, not ~2 standard deviations.
    const tenure = calm.report.columns.find((c) => c.name === 'tenure')!;
    expect(tenure.histogram!.edges.at(-1)).toBeGreaterThanOrEqual(72);
    expect(calm.report.rows.reference).toBeGreaterThan(5000);
    expect(calm.report.datasetDrift).toBe(false);
    expect(calm.report.columns.find((c) => c.name === 'monthly_charges')!.drifted).toBe(false);

    // Traffic moves: long tenures, triple charges.
    const moved = await rowsOf(300, true);
    expect((await predict(ep.url, ep.token, moved.csv)).status).toBe(200);
    const drifted = API['serving.drift'].response.parse(await service.call('serving.drift', { name: 'telco-churn', lastRows: 300 }));
    const verdict = Object.fromEntries(drifted.report.columns.map((c) => [c.name, c.drifted]));
    expect(verdict).toMatchObject({ tenure: true, monthly_charges: true, female: false, contract: false });
    const t = drifted.report.columns.find((c) => c.name === 'tenure')!;
    expect(t).toMatchObject({ method: 'wasserstein', threshold: 0.1 });
    expect(t.score!).toBeGreaterThan(0.1);
    expect(drifted.report.driftedColumns).toBeGreaterThanOrEqual(2);
    expect(drifted.logFiles).toBeGreaterThanOrEqual(1);

    await expect(service.call('serving.drift', { name: 'telco-churn', version: 9 })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/version 9 is not one this endpoint serves/) });
    await expect(service.call('serving.drift', { name: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
  }, 120_000);

  it('the training rows evicted from the artifact store: a clear message', async () => {
    await service.call('serving.start', { model: 'telco-churn:1' });
    const first = API['serving.drift'].response.parse(await service.call('serving.drift', { name: 'telco-churn', lastRows: 50 }));
    const lineage = (await import('../lineage/lineage-store.js')).LineageStore.open(join(home, 'lineage.db'));
    const path = lineage.getArtifact(first.trainingData)!.path;
    lineage.close();
    const { rename } = await import('node:fs/promises');
    await rename(path, `${path}.away`);
    try {
      await expect(service.call('serving.drift', { name: 'telco-churn' })).rejects.toMatchObject({
        code: 'failed',
        message: expect.stringMatching(/^telco-churn: the training data of telco-churn version 1 \(table [0-9a-f]{12}\) is no longer in the artifact store: it was evicted/),
      });
    } finally {
      await rename(`${path}.away`, path);
    }
  }, 60_000);

  it('a pipeline reads the whole rotated log with an ingest.json pattern and monitor.drift reports its per-column drift', async () => {
    const pattern = join(home, 'serving', 'telco-churn', 'predictions-*.jsonl');
    const doc = {
      format: 'plumb.pipeline',
      version: 2,
      id: 'live-drift',
      name: 'Live drift',
      description: '',
      nodes: [
        { id: 'training', type: 'ingest.sample', typeVersion: 1, position: { x: 0, y: 0 }, params: { dataset: 'telco_churn' } },
        { id: 'log', type: 'ingest.json', typeVersion: 1, position: { x: 0, y: 200 }, params: { path: pattern, format: 'ndjson' } },
        { id: 'drift', type: 'monitor.drift', typeVersion: 1, position: { x: 300, y: 100 }, params: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'training', port: 'out' }, to: { node: 'drift', port: 'reference' } },
        { id: 'e2', from: { node: 'log', port: 'out' }, to: { node: 'drift', port: 'current' } },
      ],
    };
    const { runId } = API['run.start'].response.parse(await service.call('run.start', { document: doc, path: null }));
    for (let i = 0; i < 300 && !events.some((e) => e.event === 'run' && e.run === runId && e.status !== 'running'); i++) await new Promise((r) => setTimeout(r, 100));
    const end = events.find((e) => e.event === 'run' && e.run === runId && e.status !== 'running');
    expect(end, 'the run ended').toBeDefined();
    const log = API['run.output'].response.parse(await service.call('run.output', { runId, node: 'drift', port: 'report' }));
    const report = log.report as { columns: { name: string; drifted: boolean }[]; rows: { current: number } };
    // Every segment: the 600 rows of the test above and the requests of the tests before it.
    expect(report.rows.current).toBeGreaterThanOrEqual(600);
    const names = report.columns.map((c) => c.name);
    // Input columns line up with the training table; the log's own columns (version, latency) are not in it.
    expect(names).toEqual(expect.arrayContaining(['tenure', 'monthly_charges', 'contract', 'female']));
    expect(names).not.toContain('latency_ms');
    expect(report.columns.find((c) => c.name === 'monthly_charges')!.drifted).toBe(true);
  }, 120_000);

  it('labels sent as feedback give live accuracy per version through serving.accuracy', async () => {
    const { endpoint: ep } = API['serving.start'].response.parse(await service.call('serving.start', { model: 'telco-churn:1' }));
    const before = API['serving.accuracy'].response.parse(await service.call('serving.accuracy', { name: 'telco-churn' }));
    const { csv, labels } = await rowsOf(120);
    const send = async () => {
      const answer = await predict(ep.url, ep.token, csv);
      expect(answer.status).toBe(200);
      const json = answer.json as { id: string; version: number; predictions: { label: string }[] };
      const fb = await fetch(`${ep.url}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ep.token}` },
        body: JSON.stringify({ feedback: labels.map((label, row) => ({ id: json.id, row, label })) }),
      });
      expect(fb.status, await fb.text()).toBeLessThan(300);
      return json.predictions.filter((p, i) => p.label === String(labels[i])).length;
    };
    const right1 = await send();
    await service.call('serving.route', { name: 'telco-churn', change: { action: 'switch', version: 2 } });
    const right2 = await send();
    const after = API['serving.accuracy'].response.parse(await service.call('serving.accuracy', { name: 'telco-churn' }));
    const of = (d: typeof after, v: number) => d.versions.find((x) => x.version === v) ?? { labelled: 0, correct: 0 };
    expect(of(after, 1).labelled - of(before, 1).labelled).toBe(120);
    expect(of(after, 1).correct - of(before, 1).correct).toBe(right1);
    expect(of(after, 2).labelled - of(before, 2).labelled).toBe(120);
    expect(of(after, 2).correct - of(before, 2).correct).toBe(right2);
    const v1 = after.versions.find((x) => x.version === 1)!;
    expect(v1.accuracy).toBeCloseTo(v1.correct / v1.labelled, 12);
    expect(right1 / 120).toBeGreaterThan(0.6); // a real model, not a coin
  }, 60_000);
});
