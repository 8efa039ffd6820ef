import { describe, expect, it } from 'vitest';
import { RAND_R_MAX, RandR } from './sklearn-rand-r.js';

describe("scikit-learn's our_rand_r / rand_int", () => {
  it('is the 13/17/5 xorshift on uint32, reduced modulo RAND_R_MAX + 1', () => {
    // From state 1: 1 ^ 1<<13 = 8193; ^ >>17 keeps it; 8193 ^ 8193<<5 = 270369.
    const r = new RandR(1);
    expect([r.next(), r.next(), r.next()]).toEqual([270369, 67634689, 499951813]);
    // The high bit is shifted out and the result stays below 2**31.
    const h = new RandR(0xffffffff);
    expect([h.next(), h.next(), h.next()]).toEqual([253983, 2080898559, 1958451267]);
  });

  it('replaces a zero state by DEFAULT_SEED 1', () => {
    const z = new RandR(0);
    expect([z.next(), z.next()]).toEqual([270369, 67634689]);
  });

  it('rand_int(low, high) = low + draw % (high - low); seeded as DecisionTree*(random_state=0)', () => {
    // 209652396 = RandomState(0).randint(0, RAND_R_MAX); draws 1215658777, 97729234, 866138454, ...
    const r = new RandR(209652396);
    expect([r.int(0, 30), r.int(0, 30), r.int(0, 30), r.int(0, 30), r.int(0, 30)]).toEqual([7, 4, 24, 15, 27]);
    const s = new RandR(209652396);
    expect(s.int(10, 11)).toBe(10);
    expect(s.next()).toBeLessThanOrEqual(RAND_R_MAX);
  });
});
