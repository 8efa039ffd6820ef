import { describe, expect, it } from 'vitest';
import {
  chi2Sf,
  chiSquareTest,
  fillZeroShares,
  histogramCounts,
  jensenShannon,
  ks2samp,
  ksStatistic,
  kstwoSf,
  linspace,
  normalTwoSided,
  outerProbInsideMethod,
  probOutsideSquare,
  psi,
  roundHalfEven,
  sturgesEdges,
  wassersteinDistance,
  wassersteinFromValueCounts,
  zTest,
} from './stats.js';

/**
 * Hand-computed cases (closed forms worked out in the comments), and for the KS tails values of
 * scipy 1.17 (`scipy.stats.kstwo.sf`, `ks_2samp`), whose KS code is the same as 1.10's.
 */

/** A small deterministic sample generator (Park-Miller), so the KS cases need no fixture file. */
function lcgSamples(): { a: number[]; b: number[] } {
  let s = 1;
  const rnd = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const a = Array.from({ length: 300 }, () => Math.round(rnd() * 100) / 10);
  const b = Array.from({ length: 251 }, () => Math.round(rnd() * 100 + 5) / 10);
  return { a, b };
}

describe('Kolmogorov-Smirnov', () => {
  it('D takes ties as right-continuous ECDFs', () => {
    // a: 1,2,2,3  b: 2,3,3,4. At 1: 1/4 - 0; at 2: 3/4 - 1/4 = 1/2; at 3: 1 - 3/4; at 4: 0.
    expect(ksStatistic([1, 2, 2, 3], [2, 3, 3, 4])).toBe(0.5);
  });

  it('exact p-values of the extreme paths: 2 / C(n+m, n)', () => {
    // Only the two extreme lattice paths reach D = 1.
    expect(ks2samp(1, 2, 2)).toEqual({ statistic: 1, pValue: 2 / 6, mode: 'exact' });
    const p = ks2samp(1, 3, 2);
    expect(p.mode).toBe('exact');
    expect(p.pValue).toBeCloseTo(2 / 10, 15);
    expect(probOutsideSquare(2, 2)).toBeCloseTo(1 / 3, 15);
    expect(outerProbInsideMethod(3, 2, 1, 6)).toBeCloseTo(0.2, 15);
  });

  it('D = 0 has p = 1', () => {
    expect(ks2samp(0, 5, 7).pValue).toBe(1);
  });

  it('matches scipy on samples of 300 and 251 (exact, unequal sizes) and 200 and 200 (exact, square)', () => {
    const { a, b } = lcgSamples();
    const d = ksStatistic(a, b);
    const r = ks2samp(d, a.length, b.length);
    expect(r.mode).toBe('exact');
    expect(r.statistic).toBeCloseTo(0.06030544488711819, 15);
    expect(r.pValue).toBeCloseTo(0.6724253821767763, 12);
    const sq = ks2samp(
      ksStatistic(
        a.slice(0, 200),
        b.slice(0, 200).map((x) => x + 0.3),
      ),
      200,
      200,
    );
    expect(sq.statistic).toBe(0.115);
    expect(sq.pValue).toBeCloseTo(0.1420746514551761, 12);
  });

  it('kstwo tails match scipy in each of its regimes', () => {
    const cases: [number, number, number][] = [
      [0.1, 30, 0.8960782680050898], // n <= 140, Durbin matrix
      [0.3, 30, 0.006852243362913235], // n <= 140, Pomeranz
      [0.02, 5000, 0.03613941395325637], // 2 * smirnov
      [0.003, 50000, 0.7579000443487147], // Pelz-Good
      [0.001, 2000000, 0.03660662431970485], // Pelz-Good, large n
      [0.002, 750000, 0.004950881141610577], // 2 * smirnov, large n
      [0.05, 100, 0.9532159710635725],
      [0.2, 100, 0.0005551927327988775],
      [0.6, 100, 5.912822156396238e-35], // x >= 0.5: 2 * smirnov exactly
    ];
    for (const [d, n, want] of cases) {
      const got = kstwoSf(d, n);
      expect(Math.abs(got - want), `kstwo.sf(${d}, ${n}) = ${got}, scipy ${want}`).toBeLessThan(1e-9);
      expect(Math.abs(got - want) / want).toBeLessThan(1e-6);
    }
    expect(kstwoSf(0.0005, 100000)).toBe(1);
    expect(kstwoSf(1, 10)).toBe(0);
  });

  it('above 10,000 values it is asymptotic, with n = round(n1 n2 / (n1 + n2))', () => {
    const r = ks2samp(0.015, 20000, 15000);
    expect(r.mode).toBe('asymp');
    expect(r.pValue).toBeCloseTo(0.04183987751301477, 12); // kstwo.sf(0.015, 8571)
  });

  it('rounds half to even as numpy does', () => {
    expect([0.5, 1.5, 2.5, -1.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -2, 2, 3]);
  });
});

describe('Wasserstein', () => {
  it('is the shift between two translated samples', () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 14);
  });

  it('is the area between the ECDFs', () => {
    // values 0, 1, 3: F_u = 1/3, 2/3, 1; F_v = 1/2, 1/2, 1 -> |1/6| * 1 + |1/6| * 2 = 1/2
    expect(wassersteinDistance([0, 1, 3], [0, 3])).toBeCloseTo(0.5, 15);
    expect(wassersteinFromValueCounts([0, 1, 3], [1, 1, 1], [1, 0, 1])).toBeCloseTo(0.5, 15);
  });
});

describe('chi-squared and Z', () => {
  it('chi-squared with 2 degrees of freedom has p = exp(-x/2)', () => {
    // (12-10)^2/10 + (6-10)^2/10 + (12-10)^2/10 = 2.4
    const r = chiSquareTest([10, 10, 10], [12, 6, 12]);
    expect(r.statistic).toBeCloseTo(2.4, 14);
    expect(r.pValue).toBeCloseTo(Math.exp(-1.2), 14);
  });

  it('scales the reference counts to the current size', () => {
    // reference 100/200/300/400 scaled by 100/1000: expected 10, 20, 30, 40
    const r = chiSquareTest([100, 200, 300, 400], [15, 25, 25, 35]);
    expect(r.statistic).toBeCloseTo(25 / 10 + 25 / 20 + 25 / 30 + 25 / 40, 13);
    expect(r.pValue).toBeCloseTo(0.1571623237577201, 12); // scipy.stats.chisquare
  });

  it('a category the reference never saw gives chi-squared infinity and p = 0', () => {
    expect(chiSquareTest([10, 0], [5, 5])).toEqual({ statistic: Infinity, pValue: 0 });
  });

  it('chi2 sf with 1 degree of freedom is the two-sided normal tail', () => {
    expect(chi2Sf(1.96 ** 2, 1)).toBeCloseTo(0.04999579029644087, 13);
    expect(normalTwoSided(1.96)).toBeCloseTo(0.04999579029644087, 13);
    // df = 4: sf = exp(-x/2) (1 + x/2)
    expect(chi2Sf(3, 4)).toBeCloseTo(Math.exp(-1.5) * 2.5, 14);
  });

  it('Z-test: shares 0.5 and 0.7 of 100 each, pooled 0.6', () => {
    // z = (0.5 - 0.7) / sqrt(0.6 * 0.4 * (1/100 + 1/100)) = -2.886751...
    const r = zTest(50, 100, 30, 100);
    expect(r.statistic).toBeCloseTo(-2.886751345948129, 13);
    expect(r.pValue).toBeCloseTo(0.0038924171227785465, 13);
  });
});

describe('Jensen-Shannon and PSI', () => {
  it('disjoint distributions are sqrt(ln 2) apart (1 in base 2); equal ones 0', () => {
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(Math.sqrt(Math.LN2), 15);
    expect(jensenShannon([1, 0], [0, 1], 2)).toBeCloseTo(1, 15);
    expect(jensenShannon([2, 3, 5], [20, 30, 50])).toBe(0);
  });

  it('normalises and mixes as scipy does', () => {
    // p = (1/4, 0, 3/4), q = (0, 1/2, 1/2), m = (1/8, 1/4, 5/8)
    const m = [1 / 8, 1 / 4, 5 / 8];
    const kl = (x: number[]): number => x.reduce((s, v, i) => s + (v > 0 ? v * Math.log(v / m[i]) : 0), 0);
    expect(jensenShannon([1, 0, 3], [0, 2, 2])).toBeCloseTo(Math.sqrt((kl([1 / 4, 0, 3 / 4]) + kl([0, 1 / 2, 1 / 2])) / 2), 15);
  });

  it('PSI of 50/50 against 25/75 is ln(3) / 4', () => {
    // (0.5 - 0.25) ln 2 + (0.5 - 0.75) ln(2/3) = 0.25 (ln 2 + ln 1.5)
    expect(psi([50, 50], [25, 75])).toBeCloseTo(Math.log(3) / 4, 15);
  });

  it('fills empty buckets as Evidently does', () => {
    expect(fillZeroShares([1, 0])).toEqual([1, 0.0001]);
    expect(fillZeroShares([0.99995, 0.00005, 0])).toEqual([0.99995, 0.00005, 0.00005 / 1e6]);
    // reference (1, 1e-4) against (0.5, 0.5)
    expect(psi([100, 0], [50, 50])).toBeCloseTo(0.5 * Math.log(2) + (0.0001 - 0.5) * Math.log(0.0002), 14);
  });
});

describe('histogram edges', () => {
  it('Sturges: ceil(log2 n + 1) equal bins over the range, as numpy', () => {
    // n = 551: log2(551) + 1 = 10.1 -> 11 bins over [0, 10.4]
    const edges = sturgesEdges(551, 0, 10.4);
    expect(edges).toHaveLength(12);
    expect(edges[1]).toBeCloseTo(10.4 / 11, 15);
    expect(edges[11]).toBe(10.4);
    expect(sturgesEdges(10, 3, 3)).toEqual(linspace(2.5, 3.5, 2));
  });

  it('counts with the last bin closed and values outside left out', () => {
    expect(histogramCounts([0, 0.5, 1, 1.5, 2, 2, 7, -1], [0, 1, 2])).toEqual([2, 4]);
  });
});
