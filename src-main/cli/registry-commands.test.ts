import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osUserName } from '../lineage/model-registry.js';

/**
 * The registry's commands, run as a user's script would: `plumb run` of the shipped deploy
 * example registers "telco-churn", then `plumb models`, `plumb stage` and `plumb predict`.
 */
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/plumb.js');
const EXAMPLE = join(ROOT, 'examples/telco-churn-deploy.plumb');

let dir: string;
let home: string;
let csv: string;
let csvRows: number;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function plumb(...args: string[]): Promise<Result> {
  return new Promise((ok) => {
    execFile('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, PLUMB_HOME: home }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const csvLines = async (path: string): Promise<string[]> => (await readFile(path, 'utf8')).trimEnd().split('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-registry-cli-'));
  home = join(dir, 'home');
  const run = await plumb('run', EXAMPLE, '--json');
  if (run.code !== 0) throw new Error(`plumb run failed: ${run.stderr}`);
  // The sample without the 11 rows that lack total charges (the model does not impute them).
  const lines = await csvLines(join(ROOT, 'samples/telco_churn.csv'));
  const kept = [lines[0], ...lines.slice(1).filter((l) => !l.endsWith(','))];
  csvRows = kept.length - 1;
  csv = join(dir, 'customers.csv');
  await writeFile(csv, kept.join('\n') + '\n');
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plumb models', () => {
  it('lists the registered model with its version, stage and metrics', async () => {
    const r = await plumb('models', '--json');
    expect(r.code, r.stderr).toBe(0);
    const models = JSON.parse(r.stdout) as { name: string; versions: { version: number; stage: string; metrics: Record<string, number>; nodeId: string }[] }[];
    expect(models.map((m) => m.name)).toEqual(['telco-churn']);
    expect(models[0].versions).toHaveLength(1);
    expect(models[0].versions[0]).toMatchObject({ version: 1, stage: 'none', nodeId: 'deploy' });
    expect(models[0].versions[0].metrics.accuracy).toBeGreaterThan(0.75);
    const text = await plumb('models');
    expect(text.stdout).toMatch(/^telco-churn {2}1 version\n +1 {2}none {7}\d{4}-\d\d-\d\d [\d:]+ {2}accuracy=0\.\d{4} .*roc_auc=0\.\d{4}.* {2}run run_\S+ node deploy\n$/);
  });

  it('refuses an unknown model with exit 2 and the models there are', async () => {
    const r = await plumb('models', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('plumb: no model "nope" in the registry (models: telco-churn)\n');
  });
});

describe('plumb predict and plumb stage', () => {
  it('has no production version to predict with until one is promoted, with a comment', async () => {
    const out = join(dir, 'none.csv');
    const r = await plumb('predict', 'telco-churn', '--input', csv, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/model "telco-churn" has no production version \(versions: 1 none\)/);

    const noComment = await plumb('stage', 'telco-churn', '1', 'production');
    expect(noComment.code).toBe(2);
    expect(noComment.stderr).toMatch(/--comment: say why/);
    const badStage = await plumb('stage', 'telco-churn', '1', 'live', '--comment', 'x');
    expect(badStage.code).toBe(2);
    expect(badStage.stderr).toMatch(/"live" is not one of none, staging, production, archived/);
    const noVersion = await plumb('stage', 'telco-churn', '7', 'staging', '--comment', 'x');
    expect(noVersion.code).toBe(2);
    expect(noVersion.stderr).toMatch(/No version 7 of model "telco-churn"/);

    const ok = await plumb('stage', 'telco-churn', '1', 'production', '--comment', 'parity passed; AUC above the bar');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('telco-churn version 1: none -> production\n');
    const detail = await plumb('models', 'telco-churn');
    expect(detail.stdout).toContain(`version 1  none -> production  by ${osUserName()}: parity passed; AUC above the bar`);
    expect(detail.stdout).toMatch(/version 1 {2}registered in none {2}by \S+: registered by run run_/);
    expect(detail.stdout).toMatch(/inputs: .*tenure BIGINT.*contract VARCHAR/);
  }, 60_000);

  it('predicts a CSV in chunks with the production version, by version, by stage and by file alike', async () => {
    const outs = { name: join(dir, 'by-name.csv'), version: join(dir, 'by-version.csv'), stage: join(dir, 'by-stage.csv'), file: join(dir, 'by-file.csv') };
    const r = await plumb('predict', 'telco-churn', '--input', csv, '--out', outs.name, '--chunk-rows', '2000', '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { rows: number; predictionColumns: string[]; model: { name: string; version: number; stage: string; onnx: string } };
    expect(summary).toMatchObject({ rows: csvRows, model: { name: 'telco-churn', version: 1, stage: 'production' } });
    // Progress on stderr, one line per chunk: 2,000 rows at a time.
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('predict: '));
    expect(progress).toHaveLength(Math.ceil(csvRows / 2000));
    expect(progress.at(-1)).toBe(`predict: ${csvRows}/${csvRows} rows (100%)`);

    const lines = await csvLines(outs.name);
    expect(lines).toHaveLength(csvRows + 1);
    const header = lines[0].split(',');
    expect(header.slice(-3)).toEqual(summary.predictionColumns);
    expect(summary.predictionColumns[0]).toBe('predicted_churn');

    for (const [ref, out] of [['telco-churn:1', outs.version], ['telco-churn@production', outs.stage], [summary.model.onnx, outs.file]] as const) {
      const again = await plumb('predict', ref, '--input', csv, '--out', out);
      expect(again.code, `${ref}: ${again.stderr}`).toBe(0);
      expect(await readFile(out, 'utf8')).toBe(await readFile(outs.name, 'utf8'));
    }
    const churners = lines.slice(1).filter((l) => l.split(',').at(-3) === 'true').length;
    expect(churners).toBeGreaterThan(csvRows * 0.1);
    expect(churners).toBeLessThan(csvRows * 0.5);
  }, 120_000);

  it('names the line of a value the model cannot take, and refuses unknown models and files, exit 2', async () => {
    const withGaps = join(ROOT, 'samples/telco_churn.csv');
    const gap = await plumb('predict', 'telco-churn:1', '--input', withGaps, '--out', join(dir, 'gaps.csv'));
    expect(gap.code, gap.stderr).toBe(2);
    expect(gap.stderr).toMatch(/telco_churn\.csv line \d+: "total_charges" is missing and the model does not impute it/);
    const unknown = await plumb('predict', 'nope', '--input', csv, '--out', join(dir, 'x.csv'));
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toBe('plumb: no model "nope" in the registry (models: telco-churn)\n');
    const missingFile = await plumb('predict', join(dir, 'missing.onnx'), '--input', csv, '--out', join(dir, 'x.csv'));
    expect(missingFile.code, missingFile.stderr).toBe(2);
    expect(missingFile.stderr).toMatch(/missing\.onnx: no such file/);
    const usage = await plumb('predict', 'telco-churn', '--input', csv);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('plumb: missing --out CSV\n');
  }, 60_000);

  it('archiving the production version leaves none to predict with by name', async () => {
    const archive = await plumb('stage', 'telco-churn', '1', 'archived', '--comment', 'retired');
    expect(archive.stdout).toBe('telco-churn version 1: production -> archived\n');
    const none = await plumb('predict', 'telco-churn', '--input', csv, '--out', join(dir, 'y.csv'));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no production version \(versions: 1 archived\)/);
  }, 60_000);
});
