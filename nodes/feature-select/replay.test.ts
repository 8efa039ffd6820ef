import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { chainOf, type TableMeta } from '../../src-shared/nodes/chain.js';
import { applyChain } from '../../src-shared/transforms/chain.js';

/**
 * feature.select (and feature.derive) run by the real engine on a CSV of tricky rows, then the
 * step each recorded replayed with applyChain on the raw rows: the replay must give, row by row,
 * exactly the table the node wrote (numbers to 1e-12).
 */
const CSV = fileURLToPath(new URL('../../test-fixtures/replay-tricky.csv', import.meta.url));
let bed: NodeTestBed;

beforeAll(async () => {
  bed = await openNodeTestBed('replay-select-');
});
afterAll(async () => {
  await bed?.dispose();
});

function same(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') return actual === expected || Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
  return actual === expected;
}

/** Runs the node after ingest.csv and compares applyChain on the raw rows with what it wrote. */
export async function replayMatches(b: NodeTestBed, type: string, params: Record<string, unknown>): Promise<string[]> {
  const run = await b.runAfterCsv(CSV, type, params, 'under_test');
  const node = run.nodes.get('under_test');
  expect(node?.error, JSON.stringify(params)).toBeUndefined();
  const raw = await b.readRows(run.nodes.get('read')!.outputs.out.path);
  const written = await b.readRows(node!.outputs.out.path);
  const chain = chainOf(node!.outputs.out.meta as TableMeta);
  expect(chain.map((s) => s.type)).toEqual([type]);
  const found: string[] = [];
  raw.forEach((row, i) => {
    const replayed = applyChain(chain, row);
    if (JSON.stringify(Object.keys(replayed)) !== JSON.stringify(Object.keys(written[i]))) found.push(`row ${i + 1}: columns ${Object.keys(replayed).join(',')}`);
    for (const [k, v] of Object.entries(written[i])) if (!same(replayed[k], v)) found.push(`${JSON.stringify(params)} row ${i + 1} ${k}: node ${JSON.stringify(v)}, replay ${JSON.stringify(replayed[k])}`);
  });
  return found;
}

describe('feature.select replays on raw rows as the node wrote them', () => {
  const cases: Record<string, unknown>[] = [
    { columns: ['s', 'x', 'i'], rename: ['x:ratio', 's:[the text]'] },
    { drop: ['ts', 'd'] },
    { cast: ['x:INTEGER', 'i:DOUBLE', 'j:SMALLINT', 'y:FLOAT', 'flag:INTEGER', 'id:VARCHAR'], onCastError: 'null' },
    { cast: ['x:VARCHAR', 'y:VARCHAR', 'flag:VARCHAR', 'd:VARCHAR', 'ts:VARCHAR', 'i:DECIMAL(38,2)'] },
    { cast: ['num_text:DOUBLE', 'bool_text:BOOLEAN', 'date_text:DATE', 'j:BOOLEAN', 'x:BOOLEAN'], onCastError: 'null' },
    { cast: ['num_text:BIGINT', 'i:INTEGER', 'x:TINYINT', 'date_text:TIMESTAMP'], onCastError: 'null' },
    { cast: ['num_text:DECIMAL(10,2)', 'ts:DATE', 'd:TIMESTAMP', 'y:DOUBLE'], onCastError: 'null' },
  ];
  for (const params of cases) {
    it(JSON.stringify(params), async () => {
      expect(await replayMatches(bed, 'feature.select', params)).toEqual([]);
    });
  }

  it('a value that does not convert fails the replay in fail mode, naming the column', async () => {
    const run = await bed.runAfterCsv(CSV, 'feature.select', { columns: ['id', 'j'], cast: ['j:DOUBLE'] }, 'under_test');
    const chain = chainOf(run.nodes.get('under_test')!.outputs.out.meta as TableMeta);
    expect(applyChain(chain, { id: 1, j: 4 })).toEqual({ id: 1, j: 4 });
    const strict = [{ ...chain[0], state: { ...chain[0].state, outputs: [{ source: 'j', name: 'j', from: 'VARCHAR', cast: 'DOUBLE' }] } }];
    expect(() => applyChain(strict, { j: 'abc' })).toThrow('cannot cast column "j" to DOUBLE: "abc" does not convert');
  });
});

describe('feature.derive replays on raw rows as the node wrote them', () => {
  const expressions = [
    'i / j',
    'i % j + 1',
    'x * y - i',
    "if(x > 0, upper(s), lower(t))",
    'substr(s, j, 3)',
    'length(trim(s)) + coalesce(j, 0)',
    "date_diff('month', d, '2020-06-15') + year(ts)",
    "contains(s, t) or starts_with(s, 'H')",
    'round(sqrt(x), 3) + log1p(y) + pow(j, 2)',
    'min(x, y) + max(i, j)',
    'j in (0, 1, 5) and not flag',
    'exp(y) + abs(x) + floor(x) - ceil(y) + log(j)',
    "if(d is null, ts, d)",
  ];
  for (const expression of expressions) {
    it(expression, async () => {
      expect(await replayMatches(bed, 'feature.derive', { name: 'derived', expression })).toEqual([]);
    });
  }

  it('replace puts the value in place of the column', async () => {
    expect(await replayMatches(bed, 'feature.derive', { name: 'X', expression: 'x * 2', replace: true })).toEqual([]);
  });
});
