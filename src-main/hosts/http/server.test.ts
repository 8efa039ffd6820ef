import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { PlumbEvent } from '../../../src-shared/api/contract.js';
import type { ApiService } from '../../api/api-service.js';
import { createPlumbApp } from '../../composition.js';
import { startHttpHost, type HttpHost } from './server.js';

const EXAMPLE = join(import.meta.dirname, '../../../examples/penguins-profile.plumb');

let dir: string;
let service: ApiService;
let host: HttpHost;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-http-'));
  // The renderer lives in a sub-folder, so that a path traversal has a file to find next to it.
  await mkdir(join(dir, 'static'));
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>Plumb</title>');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  service = await createPlumbApp({ home: join(dir, 'home'), abilities: { host: 'browser' }, initialPath: EXAMPLE });
  host = await startHttpHost({ service, staticDir: join(dir, 'static'), port: 0 });
});

afterAll(async () => {
  await host.close();
  await service.dispose();
  await rm(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', fail);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const api = (method: string, payload: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-plumb-token': host.token, ...headers },
    body: JSON.stringify(payload),
  });

describe('browser host security', () => {
  it('listens on 127.0.0.1 and hands out the token only in the URL fragment', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.appUrl).toBe(`${host.url}/#token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers a request with the token from its own origin', async () => {
    const r = await api('app.info', {}, { origin: host.url });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as { ok: boolean; result: { host: string; initialPath: string } };
    expect(body.ok).toBe(true);
    expect(body.result.host).toBe('browser');
    expect(body.result.initialPath).toBe(EXAMPLE);
  });

  it('refuses a request without the token', async () => {
    const r = await send('/api/app.info', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(401);
    expect(r.body).not.toContain('"result"');
  });

  it('refuses a request with a wrong token of the same length', async () => {
    const wrong = host.token.replace(/./g, 'a');
    const r = await api('app.info', {}, { 'x-plumb-token': wrong });
    expect(r.status).toBe(401);
  });

  it('refuses a request from another origin even with the token', async () => {
    const r = await api('app.info', {}, { origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toMatch(/origin http:\/\/evil\.example is not allowed/);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await api('app.info', {}, { host: `evil.example:${host.port}` });
    expect(r.status).toBe(403);
  });

  it('refuses a form post that is not JSON', async () => {
    const r = await send('/api/app.info', { method: 'POST', headers: { 'x-plumb-token': host.token, 'content-type': 'text/plain' }, body: '{}' });
    expect(r.status).toBe(415);
  });

  it('validates payloads and names the bad field', async () => {
    const r = await api('document.open', { path: 42 });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.message).toMatch(/document\.open: invalid request \(path: /);
    const unknown = await api('fs.readEverything', {});
    expect(unknown.status).toBe(404);
    const notJson = await send('/api/app.info', { method: 'POST', headers: { 'x-plumb-token': host.token, 'content-type': 'application/json' }, body: '{"a":' });
    expect(notJson.status).toBe(400);
  });

  it('serves the renderer with a strict CSP and nothing outside it', async () => {
    const index = await send('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Plumb</title>');
    expect(String(index.headers['content-security-policy'])).toContain("script-src 'self'");
    for (const path of ['/..%2Fsecret.txt', '/../secret.txt', '/%2e%2e/secret.txt']) {
      const traversal = await send(path);
      expect(traversal.status).toBe(404);
      expect(traversal.body).not.toContain('outside the renderer');
    }
  });
});

describe('browser host API', () => {
  it('opens a broken file with a one-line reason naming the file', async () => {
    const broken = join(dir, 'broken.plumb');
    await writeFile(broken, (await readFile(EXAMPLE, 'utf8')).slice(0, 200));
    const r = await api('document.open', { path: broken });
    expect(r.status).toBe(422);
    const { error } = JSON.parse(r.body) as { error: { code: string; message: string } };
    expect(error.code).toBe('bad-document');
    expect(error.message).toContain(broken);
    expect(error.message).toMatch(/truncated/);
    expect(error.message).not.toContain('\n');
  });

  it('saves canonically and refuses to overwrite a file changed elsewhere', async () => {
    const opened = JSON.parse((await api('document.open', { path: EXAMPLE })).body).result as { document: unknown; hash: string };
    const target = join(dir, 'copy.plumb');
    const saved = await api('document.save', { path: target, document: opened.document });
    expect(saved.status).toBe(200);
    expect(await readFile(target, 'utf8')).toBe(await readFile(EXAMPLE, 'utf8'));
    const { hash } = JSON.parse(saved.body).result as { hash: string };
    await writeFile(target, (await readFile(target, 'utf8')).replace('Penguins', 'Edited elsewhere'));
    const conflict = await api('document.save', { path: target, document: opened.document, expectedHash: hash });
    expect(conflict.status).toBe(422);
    expect(JSON.parse(conflict.body).error.code).toBe('conflict');
    expect(await readFile(target, 'utf8')).toContain('Edited elsewhere');
    const exists = await api('document.save', { path: target, document: opened.document, overwrite: false });
    expect(JSON.parse(exists.body).error.code).toBe('exists');
    expect(await readFile(target, 'utf8')).toContain('Edited elsewhere');
  });
});

describe('event stream', () => {
  const connect = (query: string, headers: Record<string, string> = {}) =>
    new WebSocket(`ws://127.0.0.1:${host.port}/events${query}`, { headers: { origin: host.url, ...headers } });

  const outcome = (ws: WebSocket) =>
    new Promise<string>((ok) => {
      ws.on('open', () => ok('open'));
      ws.on('unexpected-response', (_req, res) => ok(String(res.statusCode)));
      ws.on('error', (e) => ok(`error ${e.message}`));
    });

  it('refuses a subscriber without the token or from another origin', async () => {
    expect(await outcome(connect(''))).toBe('401');
    expect(await outcome(connect(`?token=${host.token}`, { origin: 'http://evil.example' }))).toBe('403');
  });

  it('streams node and run events of a run to a subscriber', async () => {
    const ws = connect(`?token=${host.token}`);
    expect(await outcome(ws)).toBe('open');
    const events: PlumbEvent[] = [];
    const finished = new Promise<void>((done) =>
      ws.on('message', (data) => {
        const e = JSON.parse(String(data)) as PlumbEvent;
        events.push(e);
        if (e.event === 'run' && e.status !== 'running') done();
      }),
    );
    const opened = JSON.parse((await api('document.open', { path: EXAMPLE })).body).result as { document: unknown };
    const started = await api('run.start', { document: opened.document, path: EXAMPLE });
    expect(started.status).toBe(200);
    await finished;
    ws.close();
    const final = events.filter((e) => e.event === 'node' && (e.status === 'succeeded' || e.status === 'failed'));
    expect(final.map((e) => (e.event === 'node' ? `${e.node}:${e.status}` : ''))).toEqual([
      'read_penguins:succeeded',
      'profile:succeeded',
    ]);
    const runId = (JSON.parse(started.body).result as { runId: string }).runId;
    const report = await api('run.output', { runId, node: 'profile', port: 'report' });
    expect(JSON.parse(report.body).result.report.rows).toBe(344);
  });
});

describe('history API', () => {
  it('lists runs, explains what would run, and serves the experiments table', async () => {
    const opened = JSON.parse((await api('document.open', { path: EXAMPLE })).body).result as { document: { id: string; nodes: { id: string; params: Record<string, unknown> }[] } };
    const explain = JSON.parse((await api('run.explain', { document: opened.document, path: EXAMPLE })).body).result as {
      nodes: { node: string; cached: boolean; reasons: string[] }[];
    };
    // The event-stream test above ran this pipeline: both results are stored.
    expect(explain.nodes.map((n) => [n.node, n.cached])).toEqual([
      ['read_penguins', true],
      ['profile', true],
    ]);
    const edited = {
      ...opened.document,
      nodes: opened.document.nodes.map((n) => (n.id === 'profile' ? { ...n, params: { columns: ['sex'] } } : n)),
    };
    const after = JSON.parse((await api('run.explain', { document: edited, path: EXAMPLE })).body).result as typeof explain;
    expect(after.nodes.find((n) => n.node === 'profile')).toEqual(expect.objectContaining({ cached: false, reasons: ['params changed: columns'] }));

    const runs = JSON.parse((await api('runs.list', { pipelineId: opened.document.id })).body).result as { runs: { runId: string; status: string }[] };
    expect(runs.runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.runs[0].status).toBe('succeeded');
    const exp = JSON.parse((await api('runs.experiments', { pipelineId: opened.document.id })).body).result as {
      rows: { runId: string; params: Record<string, unknown> }[];
    };
    expect(exp.rows[0].params['read_penguins.path']).toBe('../samples/penguins.csv');
    const bad = await api('runs.list', { limit: 0 });
    expect(bad.status).toBe(400);
  });
});

describe('data preview', () => {
  it('pages through a table artifact and gives its schema, without the whole table', async () => {
    const runs = JSON.parse((await api('runs.list', { pipelineId: 'penguins-profile' })).body).result as { runs: { runId: string }[] };
    const out = JSON.parse((await api('run.output', { runId: runs.runs[0].runId, node: 'read_penguins', port: 'out' })).body).result as {
      summary: { hash: string; rows: number };
    };
    expect(out.summary.rows).toBe(344);
    const page = JSON.parse((await api('artifact.preview', { hash: out.summary.hash.slice(0, 12), offset: 340, limit: 10 })).body).result as {
      columns: { name: string; type: string }[];
      totalRows: number;
      offset: number;
      rows: unknown[][];
    };
    expect(page.totalRows).toBe(344);
    expect(page.rows).toHaveLength(4);
    expect(page.columns.map((c) => c.name)).toContain('species');
    expect(page.columns.find((c) => c.name === 'body_mass_g')?.type).toBe('BIGINT');
    const first = JSON.parse((await api('artifact.preview', { hash: out.summary.hash, limit: 2 })).body).result as typeof page;
    expect(first.rows[0][0]).toBe('Adelie');
    const missing = await api('artifact.preview', { hash: 'deadbeefdeadbeef' });
    expect(missing.status).toBe(422);
    expect(JSON.parse(missing.body).error.code).toBe('not-found');
    const tooMany = await api('artifact.preview', { hash: out.summary.hash, limit: 5000 });
    expect(tooMany.status).toBe(400);
  });
});
