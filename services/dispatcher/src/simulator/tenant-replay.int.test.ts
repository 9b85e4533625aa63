import { afterEach, describe, expect, it } from 'vitest';
import { type DispatchFixture, dispatchFixture } from '../testing/dispatch-fixture.ts';
import { POLICIES } from './policies.ts';
import { team } from './sim-fixtures.ts';
import { simulate } from './simulate.ts';
import { loadReplay, ReplayNotFound } from './tenant-replay.ts';

const fixtures: DispatchFixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.reverse()) await fixture.close();
  fixtures.length = 0;
});

describe("replaying a tenant's leads", () => {
  it("reads the campaign's settings and its own leads in the span, never another tenant's", async () => {
    const ours = await dispatchFixture({ retryPolicy: { maxAttempts: 3 } });
    fixtures.push(ours);
    const theirs = await dispatchFixture({ database: ours.db });
    fixtures.push(theirs);
    const from = ours.now();
    await ours.addLead({ phone: '+48601000201', dueInSeconds: 300, score: 80 });
    ours.advance(600);
    await ours.addLead({ phone: '+48601000202', dueInSeconds: 300, score: 30 });
    await theirs.addLead({ phone: '+48601000203', dueInSeconds: 300, score: 99 });
    ours.advance(7_200);
    await ours.addLead({ phone: '+48601000204', dueInSeconds: 300 });
    const to = new Date(from.getTime() + 3_600_000);

    const replay = await loadReplay(ours.db.sql, {
      tenant: ours.tenant.slug,
      campaign: 'cash-loan',
      from,
      to,
    });
    expect(replay.leads).toEqual([
      { arrivedAt: from.getTime(), score: 80 },
      { arrivedAt: from.getTime() + 600_000, score: 30 },
    ]);
    expect(replay.campaign).toMatchObject({
      id: 'cash-loan',
      slaSeconds: 300,
      slaClock: 'calendar',
      timeZone: 'Europe/Warsaw',
      agentGroups: ['sales', 'backup'],
      retryPolicy: { maxAttempts: 3, shortDelaysSeconds: [60, 120] },
    });
    expect(replay.campaign.dialerProfile.rates.answered).toBeGreaterThan(0);

    const result = simulate({
      seed: 1,
      policy: POLICIES.edf,
      start: from.getTime(),
      durationMs: to.getTime() - from.getTime(),
      campaign: replay.campaign,
      agents: team(1, from.getTime(), to.getTime() + 3_600_000),
      arrivals: { kind: 'replay', leads: replay.leads },
      handle: { kind: 'fixed', seconds: 120 },
      mode: 'erlang',
    });
    expect(result.total).toMatchObject({ leads: 2, met: 2, valueMet: 1 });

    await expect(
      loadReplay(ours.db.sql, { tenant: ours.tenant.slug, campaign: 'no-such-campaign', from, to }),
    ).rejects.toThrow(ReplayNotFound);
  });
});
