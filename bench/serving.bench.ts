import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { latencyStats } from '../src-main/inference/playground.js';
import { feedsFromRows } from '../src-main/inference/predict-rows.js';
import { DEFAULT_SESSION_OPTIONS } from '../src-main/inference/sessions.js';
import { inspectOnnx } from '../src-main/inference/inspect.js';
import { LineageStore } from '../src-main/lineage/lineage-store.js';
import { resolveModelRef } from '../src-main/registry/resolve.js';
import { ServingEndpoint } from '../src-main/serving/index.js';

/**
 * The serving endpoint's cost over a bare onnxruntime session: the shipped telco-churn example
 * is trained and registered in a temp state folder (`plumb run`), served on loopback with a
 * token and the prediction log on, and loaded from ANOTHER process (keep-alive HTTP, bounded by
 * count and time) with 1 and 32 concurrent clients; against session.run of the same rows in this
 * process with prebuilt tensors. Latency is measured by the client (request sent -> answer read).
 */
const ROOT = join(import.meta.dirname, '..');
const SINGLE = { count: 4000, maxMs: 20_000 };
const CONCURRENT = { count: 12_000, maxMs: 20_000, clients: 32 };
const BATCH_ROWS = 100;

const LOAD = `
import { Agent, request } from 'node:http';
const [url, token, bodyFile, countText, msText, concText] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const bodies = JSON.parse(readFileSync(bodyFile, 'utf8'));
const count = Number(countText), maxMs = Number(msText), concurrency = Number(concText);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token };
const one = (body) => new Promise((done) => {
  const t0 = performance.now();
  const req = request(url + '/predict', { method: 'POST', agent, headers }, (res) => {
    res.resume();
    res.on('end', () => done({ ok: res.statusCode === 200, ms: performance.now() - t0 }));
  });
  req.on('error', () => done({ ok: false, ms: performance.now() - t0 }));
  req.end(body);
});
for (let i = 0; i < 200; i++) await one(bodies[i % bodies.length]); // warm-up: sockets, JIT, ort buffers
const started = performance.now();
let sent = 0;
const times = [];
let failed = 0;
async function worker() {
  while (sent < count && performance.now() - started < maxMs) {
    const body = bodies[sent++ % bodies.length];
    const r = await one(body);
    times.push(r.ms);
    if (!r.ok) failed++;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const wallMs = performance.now() - started;
agent.destroy();
process.stdout.write(JSON.stringify({ times, failed, wallMs }));
`;

interface LoadRun {
  times: number[];
  failed: number;
  wallMs: number;
}

function load(dir: string, url: string, token: string, bodyFile: string, count: number, maxMs: number, clients: number): Promise<LoadRun> {
  return new Promise((ok, fail) => {
    execFile('node', [join(dir, 'load.mjs'), url, token, bodyFile, String(count), String(maxMs), String(clients)], { maxBuffer: 256 * 2 ** 20 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`load generator failed: ${stderr}`));
      else ok(JSON.parse(stdout) as LoadRun);
    });
  });
}

function register(home: string): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn('node', [join(ROOT, 'bin/plumb.js'), 'run', join(ROOT, 'examples/telco-churn-deploy.plumb'), '--home', home], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`plumb run failed: ${err.slice(-2000)}`))));
  });
}

const ms = (x: number): string => `${x.toFixed(3)} ms`;

export async function benchServing(): Promise<void> {
  const shared = join(ROOT, '../shared/data');
  console.log(
    existsSync(shared)
      ? `data: the shipped telco_churn sample (../shared/data is present, but the example pipeline trains on the sample)`
      : 'data: ../shared/data is absent; the shipped telco_churn sample is used',
  );
  const dir = await mkdtemp(join(tmpdir(), 'serving-bench-'));
  const home = join(dir, 'home');
  let lineage: LineageStore | null = null;
  let ep: ServingEndpoint | null = null;
  try {
    await register(home);
    lineage = LineageStore.open(join(home, 'lineage.db'));
    const model = resolveModelRef(lineage, 'telco-churn:1');
    ep = await ServingEndpoint.start({ lineage, home, model: 'telco-churn:1' });
    const token = ep.token ?? '';

    // Rows as a client sends them (JSON numbers and text), without the target and the rows lacking total charges.
    const lines = (await readFile(join(ROOT, 'samples/telco_churn.csv'), 'utf8')).trimEnd().split('\n');
    const header = JSON.parse(`[${lines[0]}]`) as string[];
    const rows = lines
      .slice(1)
      .filter((l) => !l.endsWith(','))
      .map((l) => {
        const values = JSON.parse(`[${l}]`) as (string | number)[];
        return Object.fromEntries(header.flatMap((h, i) => (h === 'churn' ? [] : [[h, values[i]]])));
      });
    const singleBodies = rows.slice(0, 500).map((r) => JSON.stringify({ rows: [r] }));
    const batchBodies = Array.from({ length: 20 }, (_, k) => JSON.stringify({ rows: rows.slice(k * BATCH_ROWS, (k + 1) * BATCH_ROWS) }));
    await writeFile(join(dir, 'load.mjs'), LOAD);
    await writeFile(join(dir, 'single.json'), JSON.stringify(singleBodies));
    await writeFile(join(dir, 'batch.json'), JSON.stringify(batchBodies));

    // ---- bare onnxruntime: the same model and rows, tensors built beforehand ----
    const { file, signature } = await inspectOnnx(model.onnxPath);
    if (!signature.plumb) throw new Error('the registered model has no plumb.* metadata');
    const bare = await ort.InferenceSession.create(file.bytes, DEFAULT_SESSION_OPTIONS);
    const feeds1 = rows.slice(0, 500).map((r) => feedsFromRows(signature, signature.plumb!, [r]));
    const feedsB = Array.from({ length: 20 }, (_, k) => feedsFromRows(signature, signature.plumb!, rows.slice(k * BATCH_ROWS, (k + 1) * BATCH_ROWS)));
    for (let i = 0; i < 300; i++) await bare.run(feeds1[i % feeds1.length]);
    const bareTimes: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const t0 = performance.now();
      await bare.run(feeds1[i % feeds1.length]);
      bareTimes.push(performance.now() - t0);
    }
    const bareBatch: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      await bare.run(feedsB[i % feedsB.length]);
      bareBatch.push(performance.now() - t0);
    }
    // 32 runs in flight at once, as 32 clients would ask.
    const t32 = performance.now();
    let done32 = 0;
    await Promise.all(
      Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; i < 200; i++, done32++) await bare.run(feeds1[(w * 200 + i) % feeds1.length]);
      }),
    );
    const bareRate32 = done32 / ((performance.now() - t32) / 1000);
    await bare.release();
    const b1 = latencyStats(bareTimes);
    const bB = latencyStats(bareBatch);
    const bareRate1 = 1000 / b1.mean;
    console.log(`model: telco-churn logistic regression (${signature.plumb.inputs.length} raw columns, ${(file.bytes.byteLength / 1024).toFixed(0)} KiB ONNX)`);
    console.log(`bare session.run, 1 row: p50 ${ms(b1.p50)} / p99 ${ms(b1.p99)} (${bareRate1.toFixed(0)} runs/s); 32 in flight: ${bareRate32.toFixed(0)} runs/s; ${BATCH_ROWS} rows: p50 ${ms(bB.p50)} / p99 ${ms(bB.p99)}`);

    // ---- HTTP from another process ----
    const report = (what: string, run: LoadRun, bareP50: number, bareP99: number, bareRate: number): number => {
      const s = latencyStats(run.times);
      const rate = run.times.length / (run.wallMs / 1000);
      console.log(
        `POST /predict ${what}: ${run.times.length} requests in ${(run.wallMs / 1000).toFixed(1)} s, ${run.failed} failed; ` +
          `${rate.toFixed(0)} req/s (${(rate / bareRate).toFixed(2)}x bare); p50 ${ms(s.p50)} / p99 ${ms(s.p99)} ` +
          `(bare p50 ${ms(bareP50)} / p99 ${ms(bareP99)}: +${ms(s.p50 - bareP50)} at p50, ${(s.p50 / bareP50).toFixed(1)}x)`,
      );
      return s.p50;
    };
    const one = await load(dir, ep.url, token, join(dir, 'single.json'), SINGLE.count, SINGLE.maxMs, 1);
    const p50 = report('1 row, 1 client', one, b1.p50, b1.p99, bareRate1);
    const cpu0 = process.cpuUsage();
    const many = await load(dir, ep.url, token, join(dir, 'single.json'), CONCURRENT.count, CONCURRENT.maxMs, CONCURRENT.clients);
    const cpu = process.cpuUsage(cpu0);
    report(`1 row, ${CONCURRENT.clients} clients`, many, b1.p50, b1.p99, bareRate32);
    // The server's CPU time per request (this process: HTTP, parsing, checks, feeds, ort, log), with
    // the 200 warm-up requests counted: what bounds throughput when the client shares the 2 cores.
    console.log(`server CPU per request at ${CONCURRENT.clients} clients: ${(((cpu.user + cpu.system) / (many.times.length + 200)) / 1000).toFixed(3)} ms (user + system, onnxruntime's threads included)`);
    const batch = await load(dir, ep.url, token, join(dir, 'batch.json'), 1000, SINGLE.maxMs, 1);
    report(`${BATCH_ROWS} rows, 1 client`, batch, bB.p50, bB.p99, 1000 / bB.mean);
    const server = ep.stats().versions[0];
    console.log(`server-side (arrival -> answer sent), all requests: p50 ${ms(server.p50Ms)} / p95 ${ms(server.p95Ms)} / p99 ${ms(server.p99Ms)}; prediction log: ${ep.logFiles().length} segment(s)`);
    console.log(`single-row p50 over HTTP: ${ms(p50)} (target < 2 ms: ${p50 < 2 ? 'ok' : 'MISSED'})`);
  } finally {
    await ep?.stop();
    lineage?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
