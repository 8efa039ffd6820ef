import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testNode, type FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { validateParams } from '../../src-shared/nodes/params.js';
import { samplePath } from './run.js';
import { ingestSampleSpec, SAMPLE_DATASETS, type SampleDataset } from './spec.js';

/**
 * ingest.sample through the real engine: every shipped data set, next to ingest.csv reading the
 * same file in the same pipeline, so "the same reader" is checked on the stored tables themselves.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NAMES = Object.keys(SAMPLE_DATASETS) as SampleDataset[];
const SHAPES: Record<SampleDataset, [number, number]> = {
  telco_churn: [7043, 20],
  penguins: [344, 8],
  titanic: [1309, 14],
  breast_cancer: [569, 31],
  diabetes: [442, 11],
};

let bed: NodeTestBed;
let run: FreshRun;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-ingest-sample-');
  // One pipeline: each sample node and an ingest.csv node on the shipped file (absolute path).
  const nodes = NAMES.flatMap((name) => [
    testNode(`sample_${name}`, 'ingest.sample', { dataset: name }),
    testNode(`csv_${name}`, 'ingest.csv', { path: join(ROOT, 'samples', SAMPLE_DATASETS[name].file) }),
  ]);
  run = await bed.engine.runFresh(testDocument(nodes, []), bed.home);
});

afterAll(async () => {
  await bed?.dispose();
});

describe.each(NAMES)('ingest.sample %s', (name) => {
  it('has the documented rows x columns, and the columns its spec declares before running', () => {
    const node = run.nodes.get(`sample_${name}`)!;
    expect(node.error).toBeUndefined();
    expect(node.status).toBe('succeeded');
    const out = node.outputs.out;
    expect([out.rows, out.columns?.length]).toEqual(SHAPES[name]);
    expect(out.rows).toBe(SAMPLE_DATASETS[name].rows);
    const inferred = ingestSampleSpec.inferSchema!({}, { dataset: name });
    expect(inferred.problems ?? []).toEqual([]);
    expect(inferred.outputs.out).toEqual({ kind: 'table', columns: out.columns });
    // An ingest starts a fresh table: no preprocessing chain.
    expect(out.meta).toBeUndefined();
  });

  it('equals what ingest.csv reads from the same file: same columns, same rows', async () => {
    const sample = run.nodes.get(`sample_${name}`)!.outputs.out;
    const csv = run.nodes.get(`csv_${name}`)!.outputs.out;
    expect(sample.columns).toEqual(csv.columns);
    expect(sample.rows).toBe(csv.rows);
    const [diff] = await bed.db.objects(
      `SELECT (SELECT count(*) FROM (FROM read_parquet($a) EXCEPT ALL FROM read_parquet($b)))::BIGINT AS a_not_b,
              (SELECT count(*) FROM (FROM read_parquet($b) EXCEPT ALL FROM read_parquet($a)))::BIGINT AS b_not_a`,
      { a: sample.path, b: csv.path },
    );
    expect(diff).toEqual({ a_not_b: 0, b_not_a: 0 });
  });
});

describe('ingest.sample', () => {
  it('finds the samples from its own location, whatever the working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir(tmpdir());
      expect(samplePath('penguins.csv')).toBe(join(ROOT, 'samples', 'penguins.csv'));
      expect(samplePath('no-such-sample.csv')).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses an unknown data set before running', () => {
    expect(validateParams(ingestSampleSpec, { dataset: 'iris' })).toEqual([
      { param: 'dataset', message: expect.stringMatching(/^Data set must be one of telco_churn, penguins, titanic, breast_cancer, diabetes/) },
    ]);
    expect(ingestSampleSpec.inferSchema!({}, { dataset: 'iris' }).problems).toEqual([
      { param: 'dataset', message: 'unknown data set "iris" (one of telco_churn, penguins, titanic, breast_cancer, diabetes)' },
    ]);
  });
});
