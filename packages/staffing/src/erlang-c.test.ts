import { describe, expect, it } from 'vitest';
import { averageWaitC, erlangB, erlangC, occupancyC, serviceLevelC } from './index.ts';

/** Equal to `significant` significant digits, as the issue asks of published figures. */
function expectSignificant(actual: number, expected: number, significant = 4): void {
  const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(expected))) - significant + 1);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(magnitude / 2);
}

/** The traffic a group of `lines` carries at `blocking`, by bisection on erlangB (increasing in a). */
function trafficAtBlocking(lines: number, blocking: number): number {
  let low = 0;
  let high = lines * 2;
  for (let i = 0; i < 200; i += 1) {
    const mid = (low + high) / 2;
    if (erlangB(lines, mid) < blocking) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

describe('erlangB', () => {
  it('matches the published trunk-group figure: 15 lines at 1 % blocking carry 8.108 Erlangs', () => {
    // Westbay Engineers, Erlang calculator manual, "How much traffic can a trunk group handle?"
    // (erlang.com/calculatormanual/howmuchtrafficcanatrunkgrouphandle.htm): 15 lines, blocking 0.01
    // -> 8.108 Erlangs of busy-hour traffic.
    expectSignificant(trafficAtBlocking(15, 0.01), 8.108);
  });

  it('matches the published line count: 1200 calls an hour of 3 minutes at 1 % blocking need 45 lines', () => {
    // Westbay Engineers' answer in the erlang.com forum thread "Trunk Engineering" (5 December
    // 2001): 1200 calls/h = 33.333 Erlangs, blocking 0.01 -> 45 lines.
    const traffic = 1200 / 36;
    expect(erlangB(45, traffic)).toBeLessThanOrEqual(0.01);
    expect(erlangB(44, traffic)).toBeGreaterThan(0.01);
  });

  it('matches exact rational arithmetic at 300 agents', () => {
    // Expected: Python fractions.Fraction, B(0)=1, B(k)=a·B(k-1)/(k + a·B(k-1)) with a = 280
    // exactly, then rounded: B(300, 280) = 0.0128920520265.
    expectSignificant(erlangB(300, 280), 0.01289205);
  });
});

describe('erlangC and the figures built on it', () => {
  // Expected values computed independently: Erlang B by the recursion in Python's exact
  // fractions.Fraction (traffic a rational number), C = n·B/(n - a(1 - B)) exactly, then the
  // service level 1 - C·e^(-(n-a)t/h) and ASA C·h/(n-a) with mpmath at 40 digits. No table with
  // these inputs to four digits was found, so none is claimed.
  const cases = [
    { agents: 10, traffic: 8, handle: 180, t: 20, c: 0.409180150796, sl: 0.672354148726, asa: 36.8262135717 },
    // The worked example that circulates with the Erlang C formula: 360 calls per half hour,
    // 4-minute calls, 55 agents, 15 s target (48 Erlangs).
    {
      agents: 55,
      traffic: 48,
      handle: 240,
      t: 15,
      c: 0.238700936378,
      sl: 0.845883092171,
      asa: 8.18403210439,
    },
    {
      agents: 310,
      traffic: 300,
      handle: 180,
      t: 20,
      c: 0.455930605824,
      sl: 0.849910841636,
      asa: 8.20675090483,
    },
    {
      agents: 330,
      traffic: 300,
      handle: 180,
      t: 20,
      c: 0.0559247062282,
      sl: 0.998004942402,
      asa: 0.335548237369,
    },
  ];

  for (const { agents, traffic, handle, t, c, sl, asa } of cases) {
    it(`${agents} agents, ${traffic} Erlangs: P(wait), service level within ${t} s, ASA`, () => {
      const queue = { agents, arrivalsPerSecond: traffic / handle, handleSeconds: handle };
      expectSignificant(erlangC(agents, traffic), c);
      expectSignificant(serviceLevelC(queue, t), sl);
      expectSignificant(averageWaitC(queue), asa);
      expect(occupancyC(queue)).toBeCloseTo(traffic / agents, 12);
    });
  }

  it('every caller waits, forever, once the agents cannot carry the traffic', () => {
    const queue = { agents: 300, arrivalsPerSecond: 2, handleSeconds: 150 };
    expect(erlangC(300, 300)).toBe(1);
    expect(serviceLevelC(queue, 20)).toBe(0);
    expect(averageWaitC(queue)).toBe(Number.POSITIVE_INFINITY);
    expect(occupancyC(queue)).toBe(1);
  });

  it('nobody waits when nobody calls', () => {
    const queue = { agents: 3, arrivalsPerSecond: 0, handleSeconds: 150 };
    expect(erlangC(3, 0)).toBe(0);
    expect(serviceLevelC(queue, 0)).toBe(1);
    expect(averageWaitC(queue)).toBe(0);
    expect(occupancyC(queue)).toBe(0);
  });
});

describe('stability', () => {
  it('stays finite and within [0, 1] at 2000 agents, where factorials would overflow', () => {
    for (const traffic of [100, 1500, 1900, 1999.5, 2500]) {
      const b = erlangB(2000, traffic);
      const c = erlangC(2000, traffic);
      for (const p of [b, c]) {
        expect(Number.isFinite(p)).toBe(true);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
    expect(erlangB(10_000, 9_000)).toBeGreaterThan(0);
  });

  it('adding an agent never raises blocking or waiting, nor lowers the service level', () => {
    const handleSeconds = 200;
    const arrivalsPerSecond = 1900 / handleSeconds;
    let previous = { b: 1, c: 1, sl: 0 };
    for (let agents = 1; agents <= 2000; agents += 1) {
      const current = {
        b: erlangB(agents, 1900),
        c: erlangC(agents, 1900),
        sl: serviceLevelC({ agents, arrivalsPerSecond, handleSeconds }, 20),
      };
      expect(current.b).toBeLessThanOrEqual(previous.b);
      expect(current.c).toBeLessThanOrEqual(previous.c);
      expect(current.sl).toBeGreaterThanOrEqual(previous.sl);
      previous = current;
    }
  });
});

describe('bad input', () => {
  it('throws a RangeError naming the field', () => {
    expect(() => erlangB(-1, 2)).toThrow(/^agents/);
    expect(() => erlangB(2.5, 2)).toThrow(/^agents/);
    expect(() => erlangC(3, Number.NaN)).toThrow(/^traffic/);
    const queue = { agents: 3, arrivalsPerSecond: 0.01, handleSeconds: 100 };
    expect(() => serviceLevelC({ ...queue, handleSeconds: 0 }, 20)).toThrow(/^handleSeconds/);
    expect(() => serviceLevelC({ ...queue, arrivalsPerSecond: -1 }, 20)).toThrow(/^arrivalsPerSecond/);
    expect(() => serviceLevelC(queue, -5)).toThrow(/^targetSeconds/);
    expect(() => averageWaitC({ ...queue, agents: Number.NaN })).toThrow(RangeError);
  });
});
