import { describe, expect, it } from 'vitest';
import { erlangC } from './index.ts';

// Figures printed in a textbook, checked against the package's Erlang C. Source:
// H. C. Tijms, "A First Course in Stochastic Models", Wiley, 2003, section 5.3 "Service-system
// design", read at
// https://digilib.universitaspertamina.ac.id/ebook/A%20First%20Course%20in%20Stochastic%20Models/files/basic-html/page207.html
// (book page 200) and .../page208.html (book page 201, Table 5.3.2).

/**
 * Tijms's c*: "the least number c of servers such that the delay probability P_W is below a
 * prespecified level α" for R Erlangs of offered load (page 200). Stepping up from the first
 * stable count is exact because the delay probability falls with every agent added.
 */
function leastAgentsBelow(traffic: number, alpha: number): number {
  let agents = Math.floor(traffic) + 1;
  while (erlangC(agents, traffic) >= alpha) agents += 1;
  return agents;
}

describe('Erlang C against Tijms, A First Course in Stochastic Models (2003)', () => {
  // Table 5.3.2 "The exact and approximate values of c*" (page 201), the "exa" columns for
  // α = 0.5, 0.2 and 0.1. The rows for 500 and 1000 Erlangs are the published staffing levels of
  // 300+ agents; 1017, 1034 and 1046 carry four significant digits, and since a count is exact the
  // check is that the package reaches the same whole number of agents, not merely a close one.
  const table = [
    { traffic: 1, agents: [2, 3, 3] },
    { traffic: 5, agents: [7, 8, 9] },
    { traffic: 10, agents: [12, 14, 16] },
    { traffic: 50, agents: [54, 58, 61] },
    { traffic: 100, agents: [106, 111, 115] },
    { traffic: 250, agents: [259, 268, 274] },
    { traffic: 500, agents: [512, 525, 533] },
    { traffic: 1000, agents: [1017, 1034, 1046] },
  ];
  const alphas = [0.5, 0.2, 0.1];

  for (const { traffic, agents } of table) {
    it(`${traffic} Erlangs: the least agents with P(wait) below 0.5, 0.2, 0.1 are ${agents.join(', ')}`, () => {
      alphas.forEach((alpha, column) => {
        const published = agents[column];
        expect(published).toBeDefined();
        if (published === undefined) return;
        expect(leastAgentsBelow(traffic, alpha)).toBe(published);
        // The table's count meets the level and one agent fewer does not.
        expect(erlangC(published, traffic)).toBeLessThan(alpha);
        expect(erlangC(published - 1, traffic)).toBeGreaterThanOrEqual(alpha);
      });
    });
  }

  it('100 agents at 95 % utilisation: 50.6 % of callers wait (page 200)', () => {
    // "take c = 100 and ρ = 0.95. Then on average 50.6% of the customers must wait", printed to
    // three significant digits, so compared to three.
    expect(Math.round(erlangC(100, 95) * 1000) / 1000).toBe(0.506);
  });
});
