import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';

/** `plumb diff` run as a user's script runs it, on two versions of the churn pipeline in a real git repository. */
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/plumb.js');
const CHURN = join(ROOT, 'examples/telco-churn-model.plumb');

let dir: string;
let repo: string;
let v1: string;
let v2: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function plumb(...args: string[]): Promise<Result> {
  return new Promise((ok) => {
    execFile('node', [BIN, ...args], { cwd: dir, env: { ...process.env, PLUMB_HOME: join(dir, 'home') } }, (err, stdout, stderr) => {
      ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-diff-cli-'));
  repo = join(dir, 'repo');
  await mkdir(repo);
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args]);
  git('init', '-q');
  git('config', 'user.name', 'Plumb Test');
  git('config', 'user.email', 'test@plumb.invalid');
  git('config', 'commit.gpgsign', 'false');
  const text = await readFile(CHURN, 'utf8');
  v1 = join(repo, 'churn.plumb');
  await writeFile(v1, text);
  git('add', '.');
  git('commit', '-q', '-m', 'churn v1');

  // Version 2: max_iter changed, a profile node added, the evaluation removed, every node moved.
  const doc = JSON.parse(text) as PipelineDocument;
  for (const n of doc.nodes) n.position = { x: n.position.x * 2, y: n.position.y + 7 };
  const model = doc.nodes.find((n) => n.id === 'model');
  if (!model) throw new Error('the churn example has no "model" node');
  model.params.max_iter = 200;
  doc.nodes = doc.nodes.filter((n) => n.id !== 'evaluate');
  doc.edges = doc.edges.filter((e) => e.to.node !== 'evaluate');
  doc.nodes.push({ id: 'profile', type: 'validate.profile', typeVersion: 1, position: { x: 0, y: 400 }, params: {} });
  doc.edges.push({ id: 'e9', from: { node: 'telco', port: 'out' }, to: { node: 'profile', port: 'in' } });
  v2 = join(dir, 'churn-v2.plumb');
  await writeFile(v2, toCanonicalJson(doc));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EXPECTED_REPORT = (a: string, b: string) =>
  [
    `--- ${a}`,
    `+++ ${b}`,
    'added nodes:',
    '  + profile (validate.profile)',
    'removed nodes:',
    '  - evaluate (evaluate.model)',
    'changed nodes:',
    '  ~ model (train.logistic_regression)',
    '      params.max_iter: 1000 -> 200',
    'added edges:',
    '  + telco.out -> profile.in',
    'removed edges:',
    '  - model.model -> evaluate.model',
    '  - split.test -> evaluate.data',
    'nodes: 1 added, 1 removed, 1 changed; edges: 1 added, 2 removed',
    '',
  ].join('\n');

describe('plumb diff', () => {
  it('A B: lists added, removed and changed nodes and edges, exit 0', async () => {
    const r = await plumb('diff', v1, v2);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(EXPECTED_REPORT('churn.plumb', 'churn-v2.plumb'));
  });

  it('A B --json: one object with both labels and "same", exit 0 also when they differ', async () => {
    const r = await plumb('diff', v1, v2, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['a', 'b', 'addedNodes', 'removedNodes', 'changedNodes', 'addedEdges', 'removedEdges', 'pipelineChanges', 'same']);
    expect(out).toMatchObject({ a: 'churn.plumb', b: 'churn-v2.plumb', same: false });
    expect(out.changedNodes).toEqual([{ id: 'model', type: 'train.logistic_regression', changes: [{ path: 'params.max_iter', old: 1000, new: 200 }] }]);
  });

  it('FILE: compares the file with its last commit; an unchanged file says so', async () => {
    const same = await plumb('diff', v1);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toBe('--- HEAD:churn.plumb\n+++ churn.plumb\nno differences (positions and layout are ignored)\n');
    await writeFile(v1, await readFile(v2, 'utf8'));
    try {
      const changed = await plumb('diff', v1, '--json');
      expect(changed.code, changed.stderr).toBe(0);
      expect(JSON.parse(changed.stdout)).toMatchObject({ a: 'HEAD:churn.plumb', b: 'churn.plumb', same: false, addedNodes: [{ id: 'profile' }] });
    } finally {
      await writeFile(v1, await readFile(CHURN, 'utf8'));
    }
  });

  it('exits 2 with a one-line reason for a missing file, a broken pipeline, a new file, or no FILE', async () => {
    const missing = await plumb('diff', v1, join(dir, 'nope.plumb'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`plumb: ${join(dir, 'nope.plumb')}: no such file\n`);

    const broken = join(dir, 'broken.plumb');
    await writeFile(broken, '{"format": "plumb.pipeline", "version": 2, "id": "x"');
    const bad = await plumb('diff', broken, v2);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^plumb: .*broken\.plumb not valid JSON \(.*\)\n$/);

    const fresh = join(repo, 'fresh.plumb');
    await writeFile(fresh, await readFile(CHURN, 'utf8'));
    const untracked = await plumb('diff', fresh);
    expect(untracked.code).toBe(2);
    expect(untracked.stderr).toBe('plumb: fresh.plumb is a new file: it is not in the last commit (HEAD) yet, so there is nothing to compare with\n');

    const none = await plumb('diff');
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('plumb: plumb diff takes FILE (compared with its git HEAD) or A B, got 0 files\n');
    expect(none.stdout).toBe('');
  });
});
