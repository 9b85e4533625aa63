import { describe, expect, it } from 'vitest';
import { averageWaitC, erlangA, erlangC, serviceLevelC } from './index.ts';

function expectSignificant(actual: number, expected: number, significant = 4): void {
  const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(expected))) - significant + 1);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(magnitude / 2);
}

describe('erlangA', () => {
  // Expected values computed independently of the incomplete-gamma closed forms used here
  // (no published Erlang-A table to four digits with its inputs was found):
  // - P(W>0), P(Ab) and E[W] from the M/M/n+M birth-death chain summed term by term in mpmath at
  //   40 digits (p_j ∝ a^j/j! up to n, then ×λ/(nμ + kθ) per waiting caller, until the terms fall
  //   below 1e-45); P(Ab) = θ·E[queue]/λ, E[W] = P(Ab)·patience;
  // - the service level (answered within t, as a share of all arrivals) by mpmath's numerical
  //   quadrature of the offered wait's law P(V>s | W>0) = γ(x, y·e^(-s/patience)) / γ(x, y)
  //   (Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with applications to call centers", 2007),
  //   with mpmath's own incomplete gamma: 1 - P(W>0) + P(W>0)·∫₀ᵗ e^(-s/patience) dF_V(s).
  const cases = [
    { agents: 10, lambda: 0.04, handle: 200, patience: 300, t: 20 },
    { agents: 50, lambda: 0.2, handle: 240, patience: 180, t: 20 },
    { agents: 359, lambda: 2, handle: 180, patience: 120, t: 20 },
    { agents: 500, lambda: 2.5, handle: 200, patience: 300, t: 20 },
  ];
  const expected = [
    { wait: 0.303721375259, ab: 0.0446239135667, ew: 13.38717407, sl: 0.780247472021 },
    { wait: 0.379062062717, ab: 0.0430097829804, ew: 7.74176093648, sl: 0.813349033552 },
    { wait: 0.476226768082, ab: 0.0245865731104, ew: 2.95038877325, sl: 0.969999634899 },
    { wait: 0.555842895297, ab: 0.0160367324031, ew: 4.81101972093, sl: 0.946971992879 },
  ];

  cases.forEach((input, i) => {
    const want = expected[i];
    it(`${input.agents} agents, ${input.lambda * input.handle} Erlangs, patience ${input.patience} s`, () => {
      const figures = erlangA(
        {
          agents: input.agents,
          arrivalsPerSecond: input.lambda,
          handleSeconds: input.handle,
          patienceSeconds: input.patience,
        },
        input.t,
      );
      expect(want).toBeDefined();
      if (!want) return;
      expectSignificant(figures.waitProbability, want.wait);
      expectSignificant(figures.abandonment, want.ab);
      expectSignificant(figures.averageWaitSeconds, want.ew);
      expectSignificant(figures.serviceLevel, want.sl);
    });
  });

  it('tends to Erlang C as patience grows without bound', () => {
    for (const { agents, traffic, handle } of [
      { agents: 10, traffic: 8, handle: 180 },
      { agents: 55, traffic: 48, handle: 240 },
      { agents: 320, traffic: 300, handle: 180 },
    ]) {
      const queue = { agents, arrivalsPerSecond: traffic / handle, handleSeconds: handle };
      let previousGap = Number.POSITIVE_INFINITY;
      for (const patienceSeconds of [1e3, 1e4, 1e5, 1e6]) {
        const figures = erlangA({ ...queue, patienceSeconds }, 20);
        const gap = Math.abs(figures.serviceLevel - serviceLevelC(queue, 20));
        expect(gap).toBeLessThanOrEqual(previousGap);
        previousGap = gap;
      }
      const patient = erlangA({ ...queue, patienceSeconds: 1e6 }, 20);
      expect(patient.waitProbability).toBeCloseTo(erlangC(agents, traffic), 3);
      expect(patient.serviceLevel).toBeCloseTo(serviceLevelC(queue, 20), 3);
      expect(patient.averageWaitSeconds).toBeCloseTo(averageWaitC(queue), 1);
      expect(patient.abandonment).toBeLessThan(1e-3);
      const infinite = erlangA({ ...queue, patienceSeconds: Number.POSITIVE_INFINITY }, 20);
      expect(infinite.serviceLevel).toBe(serviceLevelC(queue, 20));
      expect(infinite.abandonment).toBe(0);
    }
  });

  it('stays finite with hundreds of overloaded agents, where Erlang C has no answer', () => {
    const figures = erlangA(
      { agents: 500, arrivalsPerSecond: 5, handleSeconds: 200, patienceSeconds: 600 },
      20,
    );
    for (const share of [figures.waitProbability, figures.serviceLevel, figures.abandonment]) {
      expect(Number.isFinite(share)).toBe(true);
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    // Half the callers must leave: 500 agents serve 2.5 calls/s of the 5 arriving.
    expect(figures.abandonment).toBeCloseTo(0.5, 2);
  });

  it('serves within t more, and loses fewer, as agents are added (up to double rounding)', () => {
    let previous = erlangA({ agents: 1, arrivalsPerSecond: 2, handleSeconds: 180, patienceSeconds: 120 }, 20);
    for (let agents = 2; agents <= 450; agents += 1) {
      const current = erlangA({ agents, arrivalsPerSecond: 2, handleSeconds: 180, patienceSeconds: 120 }, 20);
      expect(current.serviceLevel).toBeGreaterThanOrEqual(previous.serviceLevel - 1e-12);
      expect(current.abandonment).toBeLessThanOrEqual(previous.abandonment + 1e-12);
      previous = current;
    }
  });

  it('throws a RangeError naming the field', () => {
    const input = { agents: 3, arrivalsPerSecond: 0.01, handleSeconds: 100, patienceSeconds: 60 };
    expect(() => erlangA({ ...input, patienceSeconds: 0 }, 20)).toThrow(/^patienceSeconds/);
    expect(() => erlangA({ ...input, patienceSeconds: Number.NaN }, 20)).toThrow(/^patienceSeconds/);
    expect(() => erlangA(input, Number.NaN)).toThrow(/^targetSeconds/);
  });
});
