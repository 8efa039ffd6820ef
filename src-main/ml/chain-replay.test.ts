import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainStep } from '../../src-shared/nodes/chain.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { applyChain, unreplayableSteps } from '../../src-shared/transforms/chain.js';
import { DuckDatabase, type DuckSession } from '../data/duckdb.js';
import { openTestEngine, type TestEngine } from '../test-nodes/test-engine.js';

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

  it('refuses a step it cannot replay, naming it', () => {
    const chain: ChainStep[] = [{ type: 'feature.derive', version: 1, node: 'ratio', params: {}, state: {} }];
    expect(unreplayableSteps(chain)).toHaveLength(1);
    expect(() => applyChain(chain, { a: 1 })).toThrow(/feature\.derive@1 \(node ratio\) cannot be replayed/);
  });
});
