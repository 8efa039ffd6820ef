import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainStep } from '../../src-shared/nodes/chain.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { applyChain, unreplayableSteps } from '../../src-shared/transforms/chain.js';
import { DuckDatabase, type DuckSession } from '../data/duckdb.js';
import { openTestEngine, testDocument, testEdge, testNode, type TestEngine } from '../test-nodes/test-engine.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/telco-features.plumb');

let t: TestEngine;
let duck: DuckDatabase;
let db: DuckSession;
beforeAll(async () => {
  t = await openTestEngine();
  duck = await DuckDatabase.open();
  db = await duck.session();
});
afterAll(async () => {
  db.close();
  duck.dispose();
  await t.dispose();
});

describe('replaying a preprocessing chain on raw rows', () => {
  it('gives, row by row, exactly what the feature nodes wrote (telco: scale then one-hot encode)', async () => {
    const loaded = parsePipelineText(readFileSync(EXAMPLE, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.reason);
    const { outcome } = await t.run(loaded.document, { path: EXAMPLE });
    expect(outcome.status).toBe('succeeded');
    const nodes = t.lineage.getRun(outcome.runId)!.nodeRuns;
    const raw = nodes.find((n) => n.nodeId === 'split')!.outputs.find((o) => o.port === 'train')!;
    const prepared = nodes.find((n) => n.nodeId === 'encode')!.outputs.find((o) => o.port === 'out')!;
    const chain = (prepared.meta?.chain ?? []) as ChainStep[];
    expect(chain.map((s) => s.type)).toEqual(['feature.scale', 'feature.encode']);
    expect(unreplayableSteps(chain)).toEqual([]);

    const rawRows = await db.objects('SELECT * FROM read_parquet($p) LIMIT 500', { p: raw.path });
    const expected = await db.objects('SELECT * FROM read_parquet($p) LIMIT 500', { p: prepared.path });
    expect(rawRows).toHaveLength(500);
    rawRows.forEach((row, i) => {
      const replayed = applyChain(chain, row);
      expect(Object.keys(replayed)).toEqual(Object.keys(expected[i]));
      for (const [k, v] of Object.entries(expected[i])) {
        if (typeof v === 'number') expect(Math.abs((replayed[k] as number) - v), `row ${i} ${k}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
        else expect(replayed[k], `row ${i} ${k}`).toEqual(v);
      }
    });
  });

  it('a model trained after a select (rename, cast) and two derived columns evaluates through evaluate.model', async () => {
    const features = (id: string) => [
      testNode(`${id}_select`, 'feature.select', {
        columns: ['churn', 'tenure', 'monthly_charges', 'contract', 'senior_citizen'],
        rename: ['monthly_charges:monthly'],
        cast: ['tenure:DOUBLE', 'senior_citizen:DOUBLE'],
      }),
      testNode(`${id}_yearly`, 'feature.derive', { name: 'yearly', expression: "monthly * 12 + if(contract = 'Month-to-month', 1.0, 0.0)" }),
      testNode(`${id}_long`, 'feature.derive', { name: 'long_tenure', expression: 'if(tenure >= 24, 1, 0) + length(lower(contract)) % 3' }),
    ];
    const chainEdges = (id: string, from: string, port: string) => [
      testEdge(from, `${id}_select`, 'in', port),
      testEdge(`${id}_select`, `${id}_yearly`, 'in'),
      testEdge(`${id}_yearly`, `${id}_long`, 'in'),
    ];
    const doc = testDocument(
      [
        testNode('telco', 'ingest.sample', { dataset: 'telco_churn' }),
        testNode('split', 'split.train_test', { method: 'stratified', seed: 0, stratify: 'churn' }),
        ...features('train'),
        // The same steps on the test rows, run by the nodes: what the replay must reproduce.
        ...features('test'),
        testNode('model', 'train.logistic_regression', { target: 'churn', features: ['tenure', 'monthly', 'senior_citizen', 'yearly', 'long_tenure'], max_iter: 1000 }),
        testNode('evaluate', 'evaluate.model', { positive: 'true' }),
      ],
      [
        testEdge('telco', 'split', 'in'),
        ...chainEdges('train', 'split', 'train'),
        ...chainEdges('test', 'split', 'test'),
        testEdge('train_long', 'model', 'train'),
        testEdge('model', 'evaluate', 'model', 'model'),
        testEdge('split', 'evaluate', 'data', 'test'),
      ],
      'derive-select-model',
    );
    const { outcome } = await t.run(doc);
    const nodes = t.lineage.getRun(outcome.runId)!.nodeRuns;
    expect(nodes.filter((n) => n.error).map((n) => `${n.nodeId}: ${n.error}`)).toEqual([]);
    expect(outcome.status).toBe('succeeded');

    const prepared = nodes.find((n) => n.nodeId === 'train_long')!.outputs.find((o) => o.port === 'out')!;
    const chain = (prepared.meta?.chain ?? []) as ChainStep[];
    expect(chain.map((s) => s.type)).toEqual(['feature.select', 'feature.derive', 'feature.derive']);
    expect(unreplayableSteps(chain)).toEqual([]);

    // The replay on the raw test rows is what the nodes wrote for them.
    const rawTest = nodes.find((n) => n.nodeId === 'split')!.outputs.find((o) => o.port === 'test')!;
    const testOut = nodes.find((n) => n.nodeId === 'test_long')!.outputs.find((o) => o.port === 'out')!;
    const raw = await db.objects('SELECT * FROM read_parquet($p)', { p: rawTest.path });
    const expected = await db.objects('SELECT * FROM read_parquet($p)', { p: testOut.path });
    expect(raw.length).toBeGreaterThan(1500);
    raw.forEach((row, i) => expect(applyChain(chain, row), `row ${i}`).toEqual(expected[i]));

    // evaluate.model scored every test row through the replayed chain.
    const evaluation = nodes.find((n) => n.nodeId === 'evaluate')!;
    const report = JSON.parse(readFileSync(evaluation.outputs.find((o) => o.port === 'report')!.path, 'utf8')) as { rows: number; metrics: Record<string, number> };
    expect(report.rows).toBe(raw.length);
    expect(report.metrics.accuracy).toBeGreaterThan(0.7);
    expect(report.metrics.roc_auc).toBeGreaterThan(0.75);
  });

  it('refuses a step it cannot replay, naming it', () => {
    const chain: ChainStep[] = [{ type: 'feature.unknown', version: 1, node: 'ratio', params: {}, state: {} }];
    expect(unreplayableSteps(chain)).toHaveLength(1);
    expect(() => applyChain(chain, { a: 1 })).toThrow(/feature\.unknown@1 \(node ratio\) cannot be replayed/);
  });

  it('a derive step recorded without its input types says how to fix it', () => {
    const chain: ChainStep[] = [{ type: 'feature.derive', version: 1, node: 'ratio', params: { name: 'r' }, state: { expression: 'a / 2', ast: { kind: 'column', name: 'a' } } }];
    expect(() => applyChain(chain, { a: 1 })).toThrow(/without its input types .*--force/);
  });
});
