import { DuckDBInstance } from '@duckdb/node-api';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageStore } from '../lineage/lineage-store.js';
import { parseCsv } from './request-rows.js';
import { ServingEndpoint, type ServingEndpointEvent } from './index.js';
import { parsePrometheus, sampleValue, sumOf } from './prometheus.test-helpers.js';
import { fromAnotherProcess, loadFromAnotherProcess, plumb, registerTwoVersions, ROOT, sampleCsv, type ClientRequest } from './serving.test-helpers.js';

/**
 * The endpoint end to end: telco-churn registered twice by `plumb run`, served on loopback,
 * called from another process; answers compared with `plumb predict`, bad requests refused with
 * a reason while the server keeps serving, a blue-green switch under load, a canary whose ONNX
 * file breaks rolled back by itself (and recorded in lineage), /metrics against what was sent.
 */
let dir: string;
let home: string;
let lineage: LineageStore;
let csv: string;

type Prediction = { label: string; probabilities: Record<string, number> };
interface Answer {
  id: string;
  version: number;
  predictions: Prediction[];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h4-serving-'));
  home = join(dir, 'home');
  await registerTwoVersions(dir, home);
  lineage = LineageStore.open(join(home, 'lineage.db'));
  csv = await sampleCsv(25);
}, 180_000);
afterAll(async () => {
  lineage?.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = (ep: ServingEndpoint): Record<string, string> => (ep.token ? { Authorization: `Bearer ${ep.token}` } : {});
const json = (ep: ServingEndpoint, body: unknown, extra: Record<string, string> = {}): ClientRequest => ({
  method: 'POST',
  path: '/predict',
  headers: { ...auth(ep), 'Content-Type': 'application/json', ...extra },
  body: JSON.stringify(body),
});

/** CSV text -> JSON rows as a client would send them: numbers as numbers, the rest as text. */
function jsonRows(text: string): Record<string, string | number | null>[] {
  const [header, ...lines] = parseCsv(text);
  const value = (f: string): string | number | null => (f === '' ? null : Number.isNaN(Number(f)) ? f : Number(f));
  return lines.map((f) => Object.fromEntries(header.flatMap((h, i) => (h === 'churn' ? [] : [[h, value(f[i])]]))));
}

describe('ServingEndpoint', () => {
  it('answers like plumb predict, for JSON and CSV bodies sent from another process', async () => {
    const ep = await ServingEndpoint.start({ lineage, home, model: 'telco-churn:1' });
    try {
      expect(ep.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ep.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const input = join(dir, 'rows.csv');
      const out = join(dir, 'predicted.csv');
      await writeFile(input, csv);
      const cli = await plumb(home, 'predict', 'telco-churn:1', '--input', input, '--out', out);
      expect(cli.code, cli.stderr).toBe(0);
      const [header, ...predicted] = parseCsv(await readFile(out, 'utf8'));
      const labelAt = header.indexOf('predicted_churn');
      const classes = header.filter((h) => h.startsWith('p_')).map((h) => h.slice(2));
      expect(classes).toEqual(['false', 'true']);

      const [viaJson, viaCsv] = await fromAnotherProcess(dir, ep.url, [
        json(ep, { rows: jsonRows(csv) }),
        { method: 'POST', path: '/predict', headers: { ...auth(ep), 'Content-Type': 'text/csv' }, body: csv },
      ]);
      for (const answer of [viaJson, viaCsv]) {
        expect(answer.status, answer.body).toBe(200);
        expect(answer.version).toBe('1');
        const body = JSON.parse(answer.body) as Answer;
        expect(body.version).toBe(1);
        expect(body.predictions).toHaveLength(25);
        body.predictions.forEach((p, i) => {
          expect(p.label).toBe(predicted[i][labelAt]);
          for (const c of classes) expect(p.probabilities[c]).toBe(Number(predicted[i][header.indexOf(`p_${c}`)]));
        });
      }
      expect(new Set(JSON.parse(viaJson.body).predictions.map((p: Prediction) => p.label))).toEqual(new Set(['true', 'false']));

      // 25 one-row requests at once are scored in shared batches (micro-batcher): each answer is still its own row's.
      const concurrent = await Promise.all(
        jsonRows(csv).map(async (row) => {
          const r = await fetch(`${ep.url}/predict`, { method: 'POST', headers: { ...auth(ep), 'Content-Type': 'application/json' }, body: JSON.stringify({ rows: [row] }) });
          return ((await r.json()) as Answer).predictions[0];
        }),
      );
      concurrent.forEach((p, i) => {
        expect(p.label).toBe(predicted[i][labelAt]);
        for (const c of classes) expect(p.probabilities[c]).toBe(Number(predicted[i][header.indexOf(`p_${c}`)]));
      });
    } finally {
      await ep.stop();
    }
  }, 60_000);

  it('refuses bad requests with a 4xx and a reason, and keeps serving', async () => {
    const ep = await ServingEndpoint.start({ lineage, home, model: 'telco-churn:1', maxBodyBytes: 64 * 1024 });
    try {
      const rows = jsonRows(csv).slice(0, 2);
      const { tenure: _dropped, ...withoutTenure } = rows[0];
      const answers = await fromAnotherProcess(dir, ep.url, [
        { method: 'POST', path: '/predict', headers: { ...auth(ep), 'Content-Type': 'application/json' }, body: '{"rows": [{"tenure": 1,' },
        json(ep, { rows: [rows[0], { ...rows[1], tenure: 'long', monthly_charges: true }] }),
        json(ep, { rows: [withoutTenure] }),
        { method: 'POST', path: '/predict', headers: { ...auth(ep), 'Content-Type': 'application/json' }, fillerBytes: 200 * 1024 },
        { method: 'POST', path: '/predict', headers: { ...auth(ep), 'Content-Type': 'application/json', 'Content-Length': String(10 * 2 ** 20) }, body: '' },
        { method: 'POST', path: '/predict', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rows }) },
        { method: 'POST', path: '/predict', headers: { Authorization: 'Bearer wrong', 'Content-Type': 'application/json' }, body: JSON.stringify({ rows }) },
        { method: 'GET', path: '/predict', headers: auth(ep) },
        { method: 'GET', path: '/nope', headers: auth(ep) },
        { method: 'POST', path: '/predict', headers: { ...auth(ep), 'Content-Type': 'text/plain' }, body: 'x' },
        { method: 'POST', path: '/predict', headers: { ...auth(ep), 'Content-Type': 'text/csv' }, body: 'tenure,contract\n1\n' },
        { method: 'POST', path: '/predict', headers: { ...auth(ep), 'Content-Type': 'application/json', Host: 'evil.example:80' }, body: JSON.stringify({ rows }) },
        json(ep, { rows }),
      ]);
      const [malformed, wrongType, missing, streamedBig, declaredBig, noToken, badToken, wrongMethod, unknownPath, badType, badCsv, badHost, fine] = answers;
      const error = (a: { body: string }): { error: string; errors?: { row: number; column: string; message: string }[]; version?: number } => JSON.parse(a.body);
      expect(malformed.status).toBe(400);
      expect(error(malformed).error).toMatch(/^the body is not valid JSON: /);
      expect(wrongType.status).toBe(400);
      expect(error(wrongType)).toMatchObject({
        version: 1,
        errors: [
          { row: 1, column: 'tenure', message: '"tenure" is "long", not a number' },
          { row: 1, column: 'monthly_charges', message: '"monthly_charges" is true, not a number' },
        ],
      });
      expect(missing.status).toBe(400);
      expect(error(missing).errors).toEqual([{ row: 0, column: 'tenure', message: 'column "tenure" is absent (send null for a missing value)' }]);
      expect(streamedBig.status).toBe(413);
      expect(error(streamedBig).error).toMatch(/over the limit of 65536 bytes/);
      expect(declaredBig.status).toBe(413);
      expect(error(declaredBig).error).toMatch(/10485760 bytes; the limit is 65536 bytes/);
      expect([noToken.status, badToken.status]).toEqual([401, 401]);
      expect(error(noToken).error).toMatch(/bearer token is required/);
      expect(wrongMethod.status).toBe(405);
      expect(error(wrongMethod).error).toBe('/predict takes POST, not GET');
      expect(unknownPath.status).toBe(404);
      expect(badType.status).toBe(415);
      expect(badCsv.status).toBe(400);
      expect(error(badCsv).error).toBe('CSV data line 1 has 1 fields; the header has 2');
      expect(badHost.status).toBe(403);
      expect(fine.status, fine.body).toBe(200);
      expect((JSON.parse(fine.body) as Answer).predictions).toHaveLength(2);

      const [health, model] = await fromAnotherProcess(dir, ep.url, [
        { method: 'GET', path: '/health', headers: auth(ep) },
        { method: 'GET', path: '/model', headers: auth(ep) },
      ]);
      expect(JSON.parse(health.body)).toEqual({ status: 'ok', name: 'telco-churn', version: 1 });
      const signature = JSON.parse(model.body) as { task: string; classes: string[]; version: number; inputs: { name: string; type: string; categories?: unknown[] }[]; outputs: { name: string }[] };
      expect(signature).toMatchObject({ task: 'classification', classes: ['false', 'true'], version: 1, target: 'churn' });
      expect(signature.inputs.find((c) => c.name === 'contract')).toMatchObject({ type: 'text', categories: expect.arrayContaining(['Month-to-month', 'One year', 'Two year']) });
      expect(signature.outputs.map((o) => o.name)).toEqual(expect.arrayContaining(['label', 'probabilities']));
    } finally {
      await ep.stop();
    }
  }, 60_000);

  it('switches blue-green under load with zero failed requests, each answer naming its version; /metrics counts them', async () => {
    const ep = await ServingEndpoint.start({ lineage, home, model: 'telco-churn:1', token: null });
    const events: ServingEndpointEvent[] = [];
    ep.onEvent((e) => events.push(e));
    try {
      expect(ep.token).toBeNull();
      const body = JSON.stringify({ rows: jsonRows(csv).slice(0, 1) });
      let switched: Promise<unknown> = Promise.resolve();
      const results = await loadFromAnotherProcess(dir, {
        url: ep.url,
        token: null,
        body,
        count: 1500,
        maxMs: 20_000,
        concurrency: 8,
        onWarm: () => {
          switched = (async () => {
            await ep.setRouting({ kind: 'switch', version: 2, reason: 'release 2' });
            await new Promise((r) => setTimeout(r, 150));
            await ep.setRouting({ kind: 'switch', version: 1, reason: 'back' });
            await new Promise((r) => setTimeout(r, 150));
            await ep.setRouting({ kind: 'switch', version: 2, reason: 'again' });
          })();
        },
      });
      await switched;
      expect(results.length).toBeGreaterThan(100);
      const failed = results.filter((r) => r.status !== 200);
      expect(failed).toEqual([]);
      for (const r of results) {
        expect([1, 2]).toContain(r.version);
        expect(r.header).toBe(String(r.version));
      }
      const byVersion = { 1: results.filter((r) => r.version === 1).length, 2: results.filter((r) => r.version === 2).length };
      expect(byVersion[1]).toBeGreaterThan(0);
      expect(byVersion[2]).toBeGreaterThan(0);
      expect(ep.routing()).toMatchObject({ strategy: 'single', primary: 2, candidate: null });
      expect(events.filter((e) => e.kind === 'routing').map((e) => (e.kind === 'routing' ? e.change.kind : ''))).toEqual(['switch', 'switch', 'switch']);

      const [metrics] = await fromAnotherProcess(dir, ep.url, [{ method: 'GET', path: '/metrics' }]);
      expect(metrics.status).toBe(200);
      const e = parsePrometheus(metrics.body);
      expect(sampleValue(e, 'plumb_requests_total', { version: '1', code: '200' })).toBe(byVersion[1]);
      expect(sampleValue(e, 'plumb_requests_total', { version: '2', code: '200' })).toBe(byVersion[2]);
      expect(sumOf(e, 'plumb_requests_total')).toBe(results.length);
      expect(sumOf(e, 'plumb_request_duration_seconds_count')).toBe(results.length);
      expect(sumOf(e, 'plumb_predictions_total')).toBe(results.length);
      expect(sumOf(e, 'plumb_request_errors_total')).toBe(0);
      expect(sampleValue(e, 'plumb_model_info', { name: 'telco-churn', version: '2', role: 'primary' })).toBe(1);
      const stats = ep.stats();
      expect(stats.requests).toBe(results.length);
      expect(stats.versions.map((v) => v.requests)).toEqual([byVersion[1], byVersion[2]]);
      expect(stats.versions[0].p50Ms).toBeGreaterThan(0);
    } finally {
      await ep.stop();
    }
  }, 90_000);

  it('rolls a failing canary back by itself and records it in lineage, shown by plumb models', async () => {
    const v2 = lineage.getArtifact(lineage.getModel('telco-churn')!.versions.find((v) => v.version === 2)!.onnxHash!)!.path;
    const backup = join(dir, 'v2-backup.onnx');
    await copyFile(v2, backup);
    const ep = await ServingEndpoint.start({ lineage, home, model: 'telco-churn:1', token: null });
    try {
      await ep.setRouting({ kind: 'canary', version: 2, percent: 50, policy: { minRequests: 5, window: 20, maxErrorRate: 0.2 } });
      // The candidate's model file is damaged on disk after it was loaded: the next use re-reads it and fails.
      await writeFile(v2, Buffer.from('this is not an onnx model'));
      await new Promise((r) => setTimeout(r, 1100)); // the session cache trusts a file's identity for a second
      const body = JSON.stringify({ rows: jsonRows(csv).slice(0, 3) });
      const answers = await fromAnotherProcess(dir, ep.url, Array.from({ length: 60 }, () => ({ method: 'POST', path: '/predict', headers: { 'Content-Type': 'application/json' }, body })));
      const failures = answers.filter((a) => a.status === 500);
      expect(failures.length).toBe(5); // exactly minRequests: the fifth failure rolled it back
      for (const f of failures) expect(JSON.parse(f.body)).toMatchObject({ version: 2, error: expect.stringMatching(/not a valid ONNX model/) });
      const lastFailure = answers.lastIndexOf(failures.at(-1)!);
      expect(answers.slice(lastFailure + 1).every((a) => a.status === 200 && a.version === '1')).toBe(true);
      expect(ep.routing()).toMatchObject({ strategy: 'single', primary: 1, candidate: null, percent: 0 });

      const recorded = lineage.servingEvents('telco-churn');
      expect(recorded[0]).toMatchObject({ kind: 'auto-rollback', fromVersion: 2, toVersion: 1, actor: null });
      expect(recorded[0].reason).toMatch(/error rate 100\.0% over the candidate's last 5 requests exceeds 20\.0%/);
      expect(recorded[1]).toMatchObject({ kind: 'canary-start', fromVersion: 1, toVersion: 2, percent: 50 });
      const shown = await plumb(home, 'models', 'telco-churn');
      expect(shown.stdout).toMatch(/serving events:\n(.*\n)*? +\S+ \S+ {2}auto-rollback 2 -> 1 .*error rate 100\.0%/);

      const e = parsePrometheus((await fromAnotherProcess(dir, ep.url, [{ method: 'GET', path: '/metrics' }]))[0].body);
      expect(sampleValue(e, 'plumb_requests_total', { version: '2', code: '500' })).toBe(5);
      expect(sampleValue(e, 'plumb_request_errors_total', { version: '2' })).toBe(5);
      expect(sumOf(e, 'plumb_requests_total')).toBe(60);
    } finally {
      await ep.stop();
      await copyFile(backup, v2);
    }
  }, 60_000);

  it('logs every prediction (shadow ones too) as NDJSON that DuckDB reads like ingest.json, and joins feedback into live accuracy', async () => {
    const ep = await ServingEndpoint.start({ lineage, home, model: 'telco-churn:1', token: null });
    try {
      await ep.setRouting({ kind: 'shadow', version: 2 });
      const rows = jsonRows(csv).slice(0, 10);
      const [answer] = await fromAnotherProcess(dir, ep.url, [json(ep, { rows })]);
      const body = JSON.parse(answer.body) as Answer;
      expect(body.version).toBe(1); // the shadow never answers
      const truth = parseCsv(csv).slice(1, 11).map((f) => (f[0] === 'Yes' ? 'true' : 'false'));
      const [fb, badFb] = await fromAnotherProcess(dir, ep.url, [
        { method: 'POST', path: '/feedback', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ feedback: truth.map((label, row) => ({ id: body.id, row, label })) }) },
        { method: 'POST', path: '/feedback', headers: { 'Content-Type': 'application/json' }, body: '{"id": 3}' },
      ]);
      expect(JSON.parse(fb.body)).toEqual({ accepted: 10 });
      expect(badFb.status).toBe(400);
      await new Promise((r) => setTimeout(r, 200)); // the shadow scores after the answer left
      const accuracy = ep.accuracy();
      const served = accuracy.find((a) => a.version === 1)!;
      const expected = body.predictions.filter((p, i) => p.label === truth[i]).length;
      expect(served).toMatchObject({ labelled: 10, correct: expected, accuracy: expected / 10 });
      expect(accuracy.find((a) => a.version === 2)).toMatchObject({ labelled: 0, shadowLabelled: 10 });

      const segment = ep.logFiles().at(-1)!;
      expect(segment).toMatch(/serving\/telco-churn\/predictions-\d{6}\.jsonl$/);
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      try {
        const reader = await conn.runAndReadAll(`SELECT version, role, tenure, contract, predicted, p_true FROM read_json('${segment}', format = 'newline_delimited') WHERE request_id = '${body.id}' ORDER BY role, "row"`);
        const got = reader.getRowObjectsJS();
        expect(got).toHaveLength(20);
        expect(got.filter((r) => r.role === 'primary').map((r) => r.predicted)).toEqual(body.predictions.map((p) => p.label));
        expect(got.filter((r) => r.role === 'shadow').map((r) => Number(r.version))).toEqual(Array(10).fill(2));
        expect(got[0].tenure).toBe(BigInt(rows[0].tenure as number)); // typed: a number column stays numeric for drift
        const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_json('${segment}', format = 'newline_delimited')`)).getRowObjectsJS();
        expect(types.find((t) => t.column_name === 'monthly_charges')?.column_type).toBe('DOUBLE');
      } finally {
        conn.closeSync();
        db.closeSync();
      }
    } finally {
      await ep.stop();
    }
  }, 60_000);

  it('A/B keeps a key on its side', async () => {
    const ep = await ServingEndpoint.start({ lineage, home, model: 'telco-churn:1', token: null });
    try {
      await ep.setRouting({ kind: 'ab', version: 2, percent: 50 });
      const rows = jsonRows(csv).slice(0, 1);
      const plan = Array.from({ length: 40 }, (_, i) => json(ep, { rows }, { 'X-Plumb-Key': `customer-${i % 10}` }));
      const answers = await fromAnotherProcess(dir, ep.url, plan);
      const side = new Map<string, string | null>();
      answers.forEach((a, i) => {
        const key = `customer-${i % 10}`;
        if (side.has(key)) expect(a.version).toBe(side.get(key));
        side.set(key, a.version);
      });
      expect(new Set(side.values())).toEqual(new Set(['1', '2']));
    } finally {
      await ep.stop();
    }
  }, 60_000);

  it('stop() drains: requests in flight get their answer, later ones find no server', async () => {
    const ep = await ServingEndpoint.start({ lineage, home, model: 'telco-churn:1', token: null });
    let stopped: Promise<void> = Promise.resolve();
    const results = await loadFromAnotherProcess(dir, {
      url: ep.url,
      token: null,
      body: JSON.stringify({ rows: jsonRows(csv).slice(0, 1) }),
      count: 3000,
      maxMs: 5000,
      concurrency: 8,
      onWarm: () => (stopped = ep.stop()),
    });
    await stopped;
    const answered = results.filter((r) => r.status !== 0);
    expect(answered.every((r) => r.status === 200)).toBe(true);
    expect(results.length - answered.length).toBeGreaterThan(0); // refused connections after the stop
    expect(ep.stats().requests).toBe(answered.length);
  }, 60_000);
});

describe('plumb serve-model', () => {
  it('prints URL and token, serves with the canary asked for, refuses bad flags, and drains on SIGTERM', async () => {
    const bad = await plumb(home, 'serve-model', 'telco-churn:1', '--canary', '2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('plumb: --canary needs --canary-percent P (the share of requests the candidate takes first)\n');
    const unknown = await plumb(home, 'serve-model', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('plumb: no model "nope" in the registry (models: telco-churn)\n');

    const child = spawn('node', [join(ROOT, 'bin/plumb.js'), 'serve-model', 'telco-churn:1', '--home', home, '--json', '--canary', '2', '--canary-percent', '100'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const first = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        if (out.includes('\n')) done(out.split('\n')[0]);
      });
      child.on('exit', () => fail(new Error(`serve-model exited: ${stderr}`)));
    });
    const info = JSON.parse(first) as { url: string; token: string; name: string; version: number; routing: { strategy: string; candidate: number; percent: number } };
    expect(info).toMatchObject({ name: 'telco-churn', version: 1, routing: { strategy: 'canary', candidate: 2, percent: 100 } });
    expect(info.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const [answer, refused] = await fromAnotherProcess(dir, info.url, [
      { method: 'POST', path: '/predict', headers: { Authorization: `Bearer ${info.token}`, 'Content-Type': 'text/csv' }, body: csv },
      { method: 'GET', path: '/health' },
    ]);
    expect(answer.status, answer.body).toBe(200);
    expect(answer.version).toBe('2'); // the canary takes 100%
    expect(refused.status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/routing: canary-start 1 -> 2 \(100%\): serve-model --canary/);
    expect(stderr).toMatch(/serve-model: stopped after 1 \/predict request \(0 failed, 0 refused\)/);
  }, 60_000);
});
