import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher.js';

describe('MicroBatcher', () => {
  it('scores requests that wait together in one run and gives each its own answers', async () => {
    const runs: number[][] = [];
    const b = new MicroBatcher<number, number>(async (rows) => {
      runs.push([...rows]);
      return rows.map((x) => x * 10);
    });
    const answers = await Promise.all([b.predict([1]), b.predict([2, 3]), b.predict([4])]);
    expect(answers).toEqual([[10], [20, 30], [40]]);
    expect(runs).toEqual([[1, 2, 3, 4]]);
    // A later lone request runs by itself, on the next turn.
    expect(await b.predict([5])).toEqual([50]);
    expect(runs).toHaveLength(2);
  });

  it('never puts more than maxRows in one run (a bigger request goes alone)', async () => {
    const runs: number[][] = [];
    const b = new MicroBatcher<number, number>(async (rows) => {
      runs.push([...rows]);
      return [...rows];
    }, 3);
    await Promise.all([b.predict([1, 2]), b.predict([3]), b.predict([4, 5, 6, 7]), b.predict([8])]);
    expect(runs).toEqual([[1, 2, 3], [4, 5, 6, 7], [8]]);
  });

  it('retries each request alone when a batch fails, so only the failing one fails', async () => {
    const b = new MicroBatcher<number, number>(async (rows) => {
      if (rows.includes(13)) throw new Error('unlucky row');
      return [...rows];
    });
    const results = await Promise.allSettled([b.predict([1]), b.predict([13]), b.predict([2])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('unlucky row'));
  });
});
