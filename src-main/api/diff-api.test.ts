import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../src-shared/api/contract.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import { createPlumbApp } from '../composition.js';
import { ApiCallError, type ApiService } from './api-service.js';
import { diffHandlers } from './diff-handlers.js';
import { readPipelineFile } from './service.js';

/**
 * `pipeline.diff` through the real service: two saved versions of the shipped churn pipeline,
 * the unsaved canvas, and a file against its last commit in a real git repository.
 */
const CHURN = join(import.meta.dirname, '../../examples/telco-churn-model.plumb');
let dir: string;
let repo: string;
let service: ApiService;
let churnText: string;
const churn = (): PipelineDocument => JSON.parse(churnText) as PipelineDocument;

/** Version 2 of the pipeline: one param changed, one node added and wired, everything moved. */
function version2(): PipelineDocument {
  const doc = churn();
  for (const n of doc.nodes) n.position = { x: n.position.x + 50, y: n.position.y + 25 };
  const model = doc.nodes.find((n) => n.id === 'model');
  if (!model) throw new Error('the churn example has no "model" node');
  model.params.max_iter = 200;
  doc.nodes.push({ id: 'profile', type: 'validate.profile', typeVersion: 1, position: { x: 0, y: 400 }, params: {} });
  doc.edges.push({ id: 'e9', from: { node: 'telco', port: 'out' }, to: { node: 'profile', port: 'in' } });
  return doc;
}

const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const diff = async (a: unknown, b: unknown) => API['pipeline.diff'].response.parse(await service.call('pipeline.diff', { a, b }));
const refusal = async (a: unknown, b: unknown): Promise<ApiCallError> => {
  const err = await service.call('pipeline.diff', { a, b }).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiCallError)) throw new Error(`expected an ApiCallError, got ${String(err)}`);
  return err;
};

beforeAll(async () => {
  churnText = await readFile(CHURN, 'utf8');
  dir = await mkdtemp(join(tmpdir(), 'diff-api-'));
  repo = join(dir, 'repo');
  await mkdir(join(repo, 'pipelines'), { recursive: true });
  git('init', '-q');
  git('config', 'user.name', 'Plumb Test');
  git('config', 'user.email', 'test@plumb.invalid');
  git('config', 'commit.gpgsign', 'false');
  await writeFile(join(repo, 'pipelines', 'churn.plumb'), churnText);
  git('add', '.');
  git('commit', '-q', '-m', 'churn v1');
  await writeFile(join(repo, 'pipelines', 'churn.plumb'), toCanonicalJson(version2()));
  await writeFile(join(repo, 'pipelines', 'new.plumb'), churnText);
  service = await createPlumbApp({ home: join(dir, 'home'), abilities: { host: 'browser' }, initialPath: null, workers: 1 });
});
afterAll(async () => {
  await service?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('pipeline.diff', () => {
  it('compares two files: the changed param, the added node and edge, positions ignored', async () => {
    const v2 = join(dir, 'churn-v2.plumb');
    await writeFile(v2, toCanonicalJson(version2()));
    const r = await diff({ path: CHURN }, { path: v2 });
    expect(r.a.label).toBe('telco-churn-model.plumb');
    expect(r.b.label).toBe('churn-v2.plumb');
    expect(r.a.document.nodes).toHaveLength(7);
    expect(r.b.document.nodes).toHaveLength(8);
    expect(r.diff).toEqual({
      addedNodes: [{ id: 'profile', type: 'validate.profile' }],
      removedNodes: [],
      changedNodes: [{ id: 'model', type: 'train.logistic_regression', changes: [{ path: 'params.max_iter', old: 1000, new: 200 }] }],
      addedEdges: [{ id: 'e9', from: { node: 'telco', port: 'out' }, to: { node: 'profile', port: 'in' } }],
      removedEdges: [],
      pipelineChanges: [],
      same: false,
    });
  });

  it('compares a file with the unsaved canvas', async () => {
    const canvas = churn();
    canvas.nodes = canvas.nodes.filter((n) => n.id !== 'evaluate');
    canvas.edges = canvas.edges.filter((e) => e.to.node !== 'evaluate');
    const r = await diff({ path: CHURN }, { document: canvas });
    expect(r.b.label).toBe('unsaved canvas');
    expect(r.diff.removedNodes).toEqual([{ id: 'evaluate', type: 'evaluate.model' }]);
    expect(r.diff.removedEdges.map((e) => e.id)).toEqual(['e7', 'e8']);
  });

  it('compares a file with its last commit, from either side', async () => {
    const file = join(repo, 'pipelines', 'churn.plumb');
    const r = await diff({ git: 'HEAD', path: file }, { path: file });
    expect(r.a.label).toBe('HEAD:churn.plumb');
    expect(r.a.document).toEqual(churn());
    expect(r.diff.changedNodes.map((n) => n.changes)).toEqual([[{ path: 'params.max_iter', old: 1000, new: 200 }]]);
    expect(r.diff.addedNodes.map((n) => n.id)).toEqual(['profile']);
    const reversed = await diff({ path: file }, { git: 'HEAD', path: file });
    expect(reversed.diff.removedNodes.map((n) => n.id)).toEqual(['profile']);
  });

  it('reads HEAD from the file\'s own repository whatever the working folder, and finds a committed file unchanged', async () => {
    git('add', '.');
    git('commit', '-q', '-m', 'v2');
    try {
      const file = join(repo, 'pipelines', 'churn.plumb');
      const r = await diff({ git: 'HEAD', path: file }, { path: file });
      expect(r.diff.same).toBe(true);
    } finally {
      git('reset', '-q', '--soft', 'HEAD~1');
      git('reset', '-q');
    }
  });

  it('says a file that is not committed yet is new', async () => {
    const err = await refusal({ git: 'HEAD', path: join(repo, 'pipelines', 'new.plumb') }, { path: join(repo, 'pipelines', 'new.plumb') });
    expect(err.code).toBe('not-found');
    expect(err.message).toBe('new.plumb is a new file: it is not in the last commit (HEAD) yet, so there is nothing to compare with');
  });

  it('says a file outside any git repository has no last commit', async () => {
    const loose = join(dir, 'loose.plumb');
    await writeFile(loose, churnText);
    const err = await refusal({ git: 'HEAD', path: loose }, { path: loose });
    expect(err.code).toBe('not-found');
    expect(err.message).toBe(`${loose} is not in a git repository, so there is no last commit to compare with`);
  });

  it('says a repository without commits has nothing to compare with', async () => {
    const empty = join(dir, 'empty-repo');
    await mkdir(empty);
    execFileSync('git', ['-C', empty, 'init', '-q']);
    await writeFile(join(empty, 'p.plumb'), churnText);
    const err = await refusal({ git: 'HEAD', path: join(empty, 'p.plumb') }, { path: join(empty, 'p.plumb') });
    expect(err.message).toMatch(/^(the git repository of .*p\.plumb has no commits yet|p\.plumb is a new file)/);
  });

  it('refuses a broken committed version with the reason, naming HEAD', async () => {
    const other = join(dir, 'broken-repo');
    await mkdir(other);
    const run = (...args: string[]) => execFileSync('git', ['-C', other, ...args]);
    run('init', '-q');
    run('config', 'user.name', 'Plumb Test');
    run('config', 'user.email', 'test@plumb.invalid');
    run('config', 'commit.gpgsign', 'false');
    await writeFile(join(other, 'p.plumb'), '{"format": "plumb.pipeline", "version": 2, "nodes": [');
    run('add', '.');
    run('commit', '-q', '-m', 'broken');
    await writeFile(join(other, 'p.plumb'), churnText);
    const err = await refusal({ git: 'HEAD', path: join(other, 'p.plumb') }, { path: join(other, 'p.plumb') });
    expect(err.code).toBe('bad-document');
    expect(err.message).toMatch(/^HEAD:p\.plumb \(.*p\.plumb as last committed\) not valid JSON/);
  });

  it('names a folder that does not exist', async () => {
    const nowhere = join(dir, 'no-such-folder', 'p.plumb');
    const err = await refusal({ git: 'HEAD', path: nowhere }, { document: churn() });
    expect(err.code).toBe('not-found');
    expect(err.message).toBe(`${join(dir, 'no-such-folder')}: no such folder`);
  });

  it('says so when git is not installed', async () => {
    const handlers = diffHandlers({ readPipelineFile, git: 'git-that-is-not-installed' });
    const file = join(repo, 'pipelines', 'churn.plumb');
    await expect(handlers['pipeline.diff']({ a: { git: 'HEAD', path: file }, b: { path: file } })).rejects.toThrow(
      'git is not installed (no "git-that-is-not-installed" program found), so churn.plumb cannot be compared with its last commit',
    );
  });

  it('refuses comparing a bundle with git HEAD', async () => {
    const err = await refusal({ git: 'HEAD', path: join(repo, 'x.plumbz') }, { path: CHURN });
    expect(err.code).toBe('bad-path');
    expect(err.message).toMatch(/only a \.plumb file can be compared with its last commit$/);
  });

  it('refuses a missing file and a broken file with the file named', async () => {
    const missing = await refusal({ path: join(dir, 'nope.plumb') }, { path: CHURN });
    expect(missing.code).toBe('not-found');
    expect(missing.message).toBe(`${join(dir, 'nope.plumb')}: no such file`);
    const broken = join(dir, 'broken.plumb');
    await writeFile(broken, JSON.stringify({ ...churn(), version: 99 }));
    const bad = await refusal({ path: CHURN }, { path: broken });
    expect(bad.code).toBe('bad-document');
    expect(bad.message).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was saved by a newer Plumb`));
  });

  it('reads a review bundle\'s pipeline, verified, and refuses a file that is not a bundle', async () => {
    const bundle = join(dir, 'churn-v1.plumbz');
    API['bundle.export'].response.parse(await service.call('bundle.export', { path: CHURN, out: bundle }));
    const v2 = join(dir, 'churn-v2-for-bundle.plumb');
    await writeFile(v2, toCanonicalJson(version2()));
    const r = await diff({ path: bundle }, { path: v2 });
    expect(r.a.label).toBe('churn-v1.plumbz');
    expect(r.a.document).toEqual(churn());
    expect(r.diff.changedNodes.map((n) => n.id)).toEqual(['model']);
    expect(r.diff.addedNodes.map((n) => n.id)).toEqual(['profile']);

    const fake = join(dir, 'fake.plumbz');
    await writeFile(fake, churnText);
    const err = await refusal({ path: fake }, { path: v2 });
    expect(err.code).toBe('not-a-bundle');
    expect(err.message).toMatch(/^\S*fake\.plumbz is not a Plumb review bundle/);
  });

  it('refuses a request of the wrong shape before reading anything', async () => {
    const err = await refusal({ git: 'main', path: CHURN }, { path: CHURN });
    expect(err.code).toBe('bad-request');
  });
});
