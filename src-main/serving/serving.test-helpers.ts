import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Test helpers of the serving tests: a telco_churn model registered twice (two versions that
 * differ in regularisation) in a fresh state folder through `plumb run`, as a user would, and
 * HTTP clients that run in ANOTHER process (node scripts written to the temp folder), so the
 * endpoint is called over loopback the way other programs on the machine call it.
 */
export const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/plumb.js');
const EXAMPLE = join(ROOT, 'examples/telco-churn-deploy.plumb');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function plumb(home: string, ...args: string[]): Promise<Result> {
  return new Promise((ok) => {
    execFile('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, PLUMB_HOME: home }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Registers telco-churn versions 1 (C = 1) and 2 (C = 0.05) in `home`. */
export async function registerTwoVersions(dir: string, home: string): Promise<void> {
  const first = await plumb(home, 'run', EXAMPLE);
  if (first.code !== 0) throw new Error(`plumb run failed: ${first.stderr}`);
  const doc = JSON.parse(await readFile(EXAMPLE, 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
  const model = doc.nodes.find((n) => n.id === 'model');
  if (!model) throw new Error('the example has no "model" node');
  model.params.C = 0.05;
  const second = join(dir, 'telco-churn-strong-l2.plumb');
  await writeFile(second, JSON.stringify(doc, null, 2));
  const again = await plumb(home, 'run', second);
  if (again.code !== 0) throw new Error(`plumb run (version 2) failed: ${again.stderr}`);
}

/** Sample rows the model takes (the 11 without total charges are left out), as CSV text. */
export async function sampleCsv(rows: number): Promise<string> {
  const lines = (await readFile(join(ROOT, 'samples/telco_churn.csv'), 'utf8')).trimEnd().split('\n');
  const kept = lines.slice(1).filter((l) => !l.endsWith(','));
  return [lines[0], ...kept.slice(0, rows)].join('\n') + '\n';
}

export interface ClientRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Send this many bytes of filler instead of `body` (streamed, no Content-Length). */
  readonly fillerBytes?: number;
}
export interface ClientAnswer {
  readonly status: number;
  readonly version: string | null;
  readonly body: string;
}

const CLIENT = `
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
const [url, planFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const out = [];
for (const r of plan) {
  out.push(await new Promise((done, fail) => {
    const req = request(url + r.path, { method: r.method, headers: r.headers ?? {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode, version: res.headers['x-plumb-version'] ?? null, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    if (r.fillerBytes) {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let left = r.fillerBytes;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!req.write(chunk.subarray(0, n))) return req.once('drain', pump);
        }
        req.end();
      };
      req.on('error', () => {});
      pump();
    } else req.end(r.body ?? undefined);
  }));
}
process.stdout.write(JSON.stringify(out));
`;

/** Runs the requests one after another from another process; answers in order. */
export async function fromAnotherProcess(dir: string, url: string, plan: readonly ClientRequest[]): Promise<ClientAnswer[]> {
  const script = join(dir, 'client.mjs');
  const planFile = join(dir, `plan-${randomUUID()}.json`);
  await writeFile(script, CLIENT);
  await writeFile(planFile, JSON.stringify(plan));
  return new Promise((ok, fail) => {
    execFile('node', [script, url, planFile], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`client failed: ${stderr}`));
      else ok(JSON.parse(stdout) as ClientAnswer[]);
    });
  });
}

const LOAD = `
import { Agent, request } from 'node:http';
const [url, token, bodyText, countText, msText, concText] = process.argv.slice(2);
const count = Number(countText), maxMs = Number(msText), concurrency = Number(concText);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const started = Date.now();
let sent = 0;
const results = [];
const one = () => new Promise((done) => {
  const t0 = performance.now();
  const req = request(url + '/predict', { method: 'POST', agent, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      let version = null;
      try { version = JSON.parse(Buffer.concat(chunks).toString('utf8')).version ?? null; } catch {}
      done({ status: res.statusCode, version, header: res.headers['x-plumb-version'] ?? null, ms: performance.now() - t0 });
    });
  });
  req.on('error', (e) => done({ status: 0, version: null, header: null, error: String(e), ms: performance.now() - t0 }));
  req.end(bodyText);
});
async function worker() {
  while (sent < count && Date.now() - started < maxMs) {
    sent++;
    results.push(await one());
    if (sent === 20) process.stderr.write('warm\\n');
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
agent.destroy();
process.stdout.write(JSON.stringify(results));
`;

export interface LoadResult {
  readonly status: number;
  readonly version: number | null;
  readonly header: string | null;
  readonly ms: number;
  readonly error?: string;
}

/**
 * A bounded load (at most `count` requests and `maxMs` milliseconds) of one body from another
 * process, `concurrency` requests at a time. `onWarm` runs once 20 requests have been sent.
 */
export async function loadFromAnotherProcess(
  dir: string,
  opts: { url: string; token: string | null; body: string; count: number; maxMs: number; concurrency: number; onWarm?: () => void },
): Promise<LoadResult[]> {
  const script = join(dir, 'load.mjs');
  await writeFile(script, LOAD);
  return new Promise((ok, fail) => {
    const child = execFile(
      'node',
      [script, opts.url, opts.token ?? '', opts.body, String(opts.count), String(opts.maxMs), String(opts.concurrency)],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) fail(new Error(`load failed: ${stderr}`));
        else ok(JSON.parse(stdout) as LoadResult[]);
      },
    );
    child.stderr?.on('data', (d: Buffer) => {
      if (String(d).includes('warm')) opts.onWarm?.();
    });
  });
}
