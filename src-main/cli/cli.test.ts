import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/plumb.js');
const EXAMPLE = join(ROOT, 'examples/penguins-profile.plumb');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `plumb` command in a child process, as a user's script would. */
function plumb(...args: string[]): Promise<Result> {
  return new Promise((ok) => {
    execFile('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, PLUMB_HOME: join(dir, 'home') } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      ok({ code, stdout, stderr });
    });
  });
}

async function writeDoc(name: string, doc: object | string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return file;
}

const node = (id: string, type: string, params: object = {}) => ({ id, type, typeVersion: 1, position: { x: 0, y: 0 }, params });
const edge = (id: string, from: string, to: string, fromPort = 'out', toPort = 'in') => ({
  id,
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});
const doc = (nodes: object[], edges: object[]) => ({ format: 'plumb.pipeline', version: 1, id: 'p', name: 'p', description: '', nodes, edges });

describe('plumb run', () => {
  it('prints one node event per node and a final run event, exit 0', async () => {
    const r = await plumb('run', EXAMPLE, '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).map((l) => [l.event, l.node, l.status, l.cached])).toEqual([
      ['node', 'read_penguins', 'succeeded', false],
      ['node', 'profile', 'succeeded', false],
    ]);
    for (const l of lines.slice(0, 2)) expect(Object.keys(l)).toEqual(['event', 'node', 'status', 'cached', 'ms']);
    expect(lines[2]).toEqual({ event: 'run', run: expect.stringMatching(/^run_/), status: 'succeeded' });
    // Progress goes to stderr, never mixed into the JSON lines.
    expect(r.stderr).toMatch(/read_penguins: succeeded/);
  });

  it('exits 1 and names the failing node and file when a run fails', async () => {
    const file = await writeDoc('missing-csv.plumb', doc([node('read', 'ingest.csv', { path: 'nope.csv' }), node('prof', 'validate.profile')], [edge('e', 'read', 'prof')]));
    const r = await plumb('run', file, '--json');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 'node', node: 'read', status: 'failed' });
    expect(String(lines[0].error)).toContain(join(dir, 'nope.csv'));
    expect(lines[1]).toMatchObject({ node: 'prof', status: 'skipped' });
    expect(lines[2], r.stderr).toMatchObject({ event: 'run', status: 'failed' });
  });

  it('runs only what a node needs with --until', async () => {
    const r = await plumb('run', EXAMPLE, '--json', '--until', 'read_penguins');
    expect(r.code).toBe(0);
    const nodes = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { node?: string }).filter((l) => l.node);
    expect(nodes.map((n) => n.node)).toEqual(['read_penguins']);
  });

  it('refuses an invalid pipeline with exit 2 before running anything', async () => {
    const file = await writeDoc('bad-run.plumb', doc([node('x', 'no.such.node')], []));
    const r = await plumb('run', file, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/node x: unknown node type "no\.such\.node"/);
  });
});

describe('the shipped examples', () => {
  it('telco-features runs end to end: 11 rows without total charges rejected, fitted on train only', async () => {
    const file = join(ROOT, 'examples/telco-features.plumb');
    const home = join(dir, 'telco-home');
    const r = await plumb('run', file, '--json', '--home', home);
    expect(r.code, r.stderr).toBe(0);
    const runId = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { run: string }).run;
    const show = JSON.parse((await plumb('show', runId, '--json', '--home', home)).stdout) as {
      nodeRuns: { nodeId: string; outputs: { port: string; rows?: number; meta?: { chain?: { type: string }[]; split?: string } }[] }[];
    };
    const out = (node: string, port: string) => show.nodeRuns.find((n) => n.nodeId === node)!.outputs.find((o) => o.port === port)!;
    expect(out('checks', 'rejected').rows).toBe(11);
    expect(out('checks', 'out').rows).toBe(7032);
    expect(out('split', 'train').rows! + out('split', 'test').rows!).toBe(7032);
    expect(out('encode', 'out').meta?.chain?.map((c) => c.type)).toEqual(['feature.scale', 'feature.encode']);
    expect(out('encode', 'out').meta?.split).toBe('train');
    const v = await plumb('validate', file, '--json');
    expect(JSON.parse(v.stdout).problems).toEqual([]);
  });
});

describe('a model end to end', () => {
  it('telco-churn-model trains behind scale + encode and evaluates on the raw test rows, metrics in plumb show', async () => {
    const file = join(ROOT, 'examples/telco-churn-model.plumb');
    const home = join(dir, 'model-home');
    const r = await plumb('run', file, '--json', '--home', home);
    expect(r.code, r.stderr).toBe(0);
    const runId = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { run: string }).run;
    const show = JSON.parse((await plumb('show', runId, '--node', 'evaluate', '--json', '--home', home)).stdout) as {
      nodeRuns: { metrics: { name: string; value: number }[]; outputs: { port: string; rows?: number; columns?: { name: string }[] }[]; reports: Record<string, { metrics: Record<string, number>; confusion_matrix: number[][]; permutation_importance: { feature: string; mean: number }[] }> }[];
    };
    const evaluate = show.nodeRuns[0];
    const metrics = Object.fromEntries(evaluate.metrics.map((m) => [m.name, m.value]));
    // A logistic regression on telco churn: about 0.80 accuracy and 0.84 ROC AUC.
    expect(metrics.accuracy).toBeGreaterThan(0.75);
    expect(metrics.roc_auc).toBeGreaterThan(0.8);
    const predictions = evaluate.outputs.find((o) => o.port === 'predictions')!;
    expect(predictions.rows).toBe(1758);
    expect(predictions.columns!.map((c) => c.name)).toEqual(expect.arrayContaining(['churn', 'contract', 'prediction', 'proba_true', 'proba_false']));
    const cm = evaluate.reports.report.confusion_matrix;
    expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(1758);
    expect((cm[0][0] + cm[1][1]) / 1758).toBeCloseTo(metrics.accuracy, 12);
    // Permutation importance: one entry per model feature; shuffling the most important one hurts.
    const importance = evaluate.reports.report.permutation_importance;
    expect(importance.length).toBeGreaterThan(20);
    expect(Math.max(...importance.map((i) => i.mean))).toBeGreaterThan(0.01);
    const text = await plumb('show', runId, '--node', 'evaluate', '--home', home);
    expect(text.stdout).toMatch(/metric roc_auc = 0\.8/);
  });
});

describe('plumb validate', () => {
  it('accepts the example', async () => {
    const r = await plumb('validate', EXAMPLE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok \(2 nodes, 1 edges\)/);
  });

  it('names each problem and node: cycle, unknown type, dangling edge', async () => {
    const file = await writeDoc(
      'broken-graph.plumb',
      doc(
        [node('a', 'validate.profile'), node('b', 'validate.profile'), node('mystery', 'train.quantum_forest'), node('src', 'ingest.csv', { path: 'x.csv' })],
        [edge('ab', 'a', 'b', 'report', 'in'), edge('ba', 'b', 'a', 'report', 'in'), edge('dangle', 'src', 'ghost')],
      ),
    );
    const r = await plumb('validate', file, '--json');
    expect(r.code).toBe(2);
    const { problems } = JSON.parse(r.stdout) as { problems: { code: string; nodeId?: string; edgeId?: string }[] };
    const codes = problems.map((p) => `${p.code}:${p.nodeId ?? p.edgeId}`);
    expect(codes).toEqual(expect.arrayContaining(['cycle:a', 'cycle:b', 'unknown-node-type:mystery', 'dangling-edge:src']));
    const text = await plumb('validate', file);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/node a: is part of a cycle/);
    expect(text.stdout).toMatch(/node mystery: unknown node type "train\.quantum_forest"/);
    expect(text.stdout).toMatch(/edge dangle.*"ghost"/);
  });

  it('refuses a truncated file with a one-line reason', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const file = await writeDoc('truncated.plumb', text.slice(0, Math.floor(text.length / 2)));
    const r = await plumb('validate', file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/truncated\.plumb not valid JSON \(unexpected end of file at line \d+(, column \d+)? - the file looks truncated\)/);
  });

  it('refuses a non-JSON file with a one-line reason', async () => {
    const file = await writeDoc('notes.plumb', 'name: my pipeline\nnodes: []\n');
    const r = await plumb('validate', file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/notes\.plumb not valid JSON \(line 1, column 1/);
  });

  it('refuses a file of a newer format version instead of half-reading it', async () => {
    const newer = { ...(JSON.parse(await readFile(EXAMPLE, 'utf8')) as object), version: 3, futureField: { lanes: [] } };
    const file = await writeDoc('newer.plumb', newer);
    for (const cmd of ['validate', 'run']) {
      const r = await plumb(cmd, file, '--json');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/was saved by a newer Plumb \(format version 3; this version reads up to 2\)/);
    }
  });
});

describe('plumb runs, show, lineage, gc', () => {
  const home = () => join(dir, 'history');

  it('records runs that runs/show expose with statuses, timings, cache hits, rows and hashes', async () => {
    const cold = await plumb('run', EXAMPLE, '--json', '--home', home());
    expect(cold.code, cold.stderr).toBe(0);
    const warm = await plumb('run', EXAMPLE, '--json', '--home', home());
    expect(warm.code).toBe(0);
    const warmLines = warm.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; cached?: boolean; run?: string });
    expect(warmLines.slice(0, 2).map((l) => [l.status, l.cached])).toEqual([
      ['cached', true],
      ['cached', true],
    ]);

    const runs = await plumb('runs', '--json', '--home', home());
    expect(runs.code).toBe(0);
    const list = JSON.parse(runs.stdout) as { runId: string; status: string; nodes: number; cached: number; ms: number }[];
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ runId: warmLines[2].run, status: 'succeeded', nodes: 2, cached: 2 });
    expect(list[1]).toMatchObject({ status: 'succeeded', nodes: 2, cached: 0 });
    expect(list[1].ms).toBeGreaterThan(0);

    const show = await plumb('show', list[1].runId, '--json', '--home', home());
    expect(show.code, show.stderr).toBe(0);
    const run = JSON.parse(show.stdout) as {
      status: string;
      env: { node: string };
      nodeRuns: { nodeId: string; status: string; cacheHit: boolean; ms: number; outputs: { port: string; rows?: number; hash: string }[]; reports: Record<string, { rows: number }> }[];
    };
    expect(run.status).toBe('succeeded');
    expect(run.env.node).toBe(process.version);
    const read = run.nodeRuns.find((n) => n.nodeId === 'read_penguins')!;
    expect(read).toMatchObject({ status: 'succeeded', cacheHit: false });
    expect(read.ms).toBeGreaterThan(0);
    expect(read.outputs.find((o) => o.port === 'out')).toMatchObject({ rows: 344, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(run.nodeRuns.find((n) => n.nodeId === 'profile')!.reports.report.rows).toBe(344);

    const warmShow = JSON.parse((await plumb('show', list[0].runId, '--json', '--home', home())).stdout) as typeof run;
    expect(warmShow.nodeRuns.map((n) => n.cacheHit)).toEqual([true, true]);
    // A cache hit hands on the very same artifacts.
    expect(warmShow.nodeRuns[0].outputs).toEqual(run.nodeRuns[0].outputs);

    const text = await plumb('show', list[1].runId.slice(0, 14), '--node', 'profile', '--home', home());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/profile \(validate\.profile@1\): succeeded/);
    expect(text.stdout).not.toMatch(/read_penguins/);
  });

  it('walks lineage from the profile report back to the CSV file', async () => {
    const runs = JSON.parse((await plumb('runs', '--json', '--home', home())).stdout) as { runId: string }[];
    const run = JSON.parse((await plumb('show', runs[runs.length - 1].runId, '--json', '--home', home())).stdout) as {
      nodeRuns: { nodeId: string; outputs: { port: string; hash: string }[] }[];
    };
    const report = run.nodeRuns.find((n) => n.nodeId === 'profile')!.outputs[0].hash;
    const r = await plumb('lineage', report.slice(0, 16), '--json', '--home', home());
    expect(r.code, r.stderr).toBe(0);
    const graph = JSON.parse(r.stdout) as { upstream: { nodeId: string; inputs: { kind: string; path: string }[] }[] };
    expect(graph.upstream.map((s) => s.nodeId)).toEqual(['profile', 'read_penguins']);
    expect(graph.upstream[1].inputs).toEqual([expect.objectContaining({ kind: 'file', path: join(ROOT, 'samples/penguins.csv') })]);
    const text = await plumb('lineage', report, '--home', home());
    expect(text.stdout).toContain('samples/penguins.csv');
  });

  it('gc evicts least recently used artifacts, and the next run recomputes them', async () => {
    const r = await plumb('gc', '--max-bytes', '0', '--json', '--home', home());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ evicted: 3, keptBytes: 0 });
    const again = await plumb('run', EXAMPLE, '--json', '--home', home());
    expect(again.stdout.split('\n')[0]).toContain('"status":"succeeded"');
  });

  it('says so when a state folder has no history, or a run does not exist', async () => {
    const none = await plumb('runs', '--home', join(dir, 'empty-home'));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no lineage store in/);
    const missing = await plumb('show', 'run_nope', '--home', home());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no run "run_nope"/);
  });
});

describe('plumb (usage)', () => {
  it('lists the catalogue with ports and params', async () => {
    const r = await plumb('nodes', '--json');
    expect(r.code).toBe(0);
    const specs = JSON.parse(r.stdout) as { type: string; outputs: { name: string }[]; params: { name: string }[] }[];
    expect(specs.map((s) => s.type)).toEqual(expect.arrayContaining(['ingest.csv', 'validate.profile']));
    const csv = specs.find((s) => s.type === 'ingest.csv')!;
    expect(csv.outputs.map((p) => p.name)).toEqual(['out', 'rejected']);
    expect(csv.params.map((p) => p.name).slice(0, 5)).toEqual(['path', 'delimiter', 'header', 'nullValues', 'badRows']);
  });

  it('exits 2 with a one-line reason on bad usage', async () => {
    for (const args of [['frobnicate'], ['run'], ['run', EXAMPLE, '--bogus'], ['serve', '--port', 'abc']]) {
      const r = await plumb(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
