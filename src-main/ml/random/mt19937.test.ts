import { describe, expect, it } from 'vitest';
import { LegacyRandomState, MT19937 } from './mt19937.js';
import { RAND_R_MAX } from './sklearn-rand-r.js';

function draws(mt: MT19937, n: number): number[] {
  return Array.from({ length: n }, () => mt.nextUint32());
}

describe('MT19937 (init_genrand seeding)', () => {
  it('gives the reference outputs for seeds 5489 and 0', () => {
    // 5489 is the reference implementation's default seed; 0 is numpy's RandomState(0).
    expect(draws(new MT19937(5489), 3)).toEqual([3499211612, 581869302, 3890346734]);
    expect(draws(new MT19937(0), 3)).toEqual([2357136044, 2546248239, 3071714933]);
  });

  it('10000th output of seed 5489 is 4123659995 (the C++ standard requirement on std::mt19937)', () => {
    const mt = new MT19937(5489);
    let v = 0;
    for (let i = 0; i < 10000; i++) v = mt.nextUint32();
    expect(v).toBe(4123659995);
  });

  it('refuses seeds numpy refuses', () => {
    expect(() => new MT19937(-1)).toThrow(/0\.\.4294967295/);
    expect(() => new MT19937(2 ** 32)).toThrow(/random_state/);
    expect(() => new MT19937(1.5)).toThrow(/random_state/);
    expect(draws(new MT19937(4294967295), 1)[0]).toBeGreaterThanOrEqual(0);
  });
});

describe("numpy's legacy RandomState.randint (masked rejection)", () => {
  // Values printed by numpy 2.4.6: np.random.RandomState(seed).randint(low, high), one at a time.
  it('randint(0, RAND_R_MAX): the seed scikit-learn gives its tree generator', () => {
    const first = (seed: number): number => new LegacyRandomState(seed).randint(0, RAND_R_MAX);
    expect([0, 1, 2, 3, 4, 42, 5489, 4294967295].map(first)).toEqual([209652396, 1791095845, 1872583848, 218175338, 2005877882, 1608637542, 1351727964, 419326371]);
    const rs = new LegacyRandomState(0);
    expect([rs.randint(0, RAND_R_MAX), rs.randint(0, RAND_R_MAX)]).toEqual([209652396, 398764591]);
  });

  it('small ranges reject draws above the range (mask 15 for 0..9)', () => {
    const rs = new LegacyRandomState(0);
    expect(Array.from({ length: 12 }, () => rs.randint(0, 10))).toEqual([5, 0, 3, 3, 7, 9, 3, 5, 2, 4, 7, 6]);
    const rs7 = new LegacyRandomState(7);
    expect(Array.from({ length: 6 }, () => rs7.randint(3, 1000))).toEqual([178, 199, 540, 505, 582, 214]);
  });

  it('the full 32-bit range is the raw output', () => {
    const rs = new LegacyRandomState(0);
    expect(Array.from({ length: 3 }, () => rs.randint(0, 2 ** 32))).toEqual([2357136044, 2546248239, 3071714933]);
    expect(new LegacyRandomState(0).randint(5, 6)).toBe(5);
  });
});
