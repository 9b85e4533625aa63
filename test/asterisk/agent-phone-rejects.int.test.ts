import { type AsteriskDialer, parseAmiUrl, startAsteriskDialer } from '@pronto/dialer';
import { liveAsteriskAvailable, openLiveAsterisk, requireLiveAsteriskInCi } from '@pronto/dialer/testing';
import { type DispatchFixture, dispatchFixture } from '@pronto/dispatcher/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The dispatcher and the Asterisk dialer on one bus, against a real Asterisk 22 (CI's rig, or one of
// the test's own): agent1004's phone rejects every call with 486 (do not disturb), agent1001's
// answers. The test plays both desktops: it accepts every offer and records an outcome after each
// contact. Customers 15550000001 and ...02 answer after 3 s (the first hangs up 6 s later).
requireLiveAsteriskInCi('an agent whose phone rejects calls, on a live Asterisk');

describe.skipIf(!liveAsteriskAvailable())('an agent whose phone rejects calls, on a live Asterisk 22', () => {
  let fixture: DispatchFixture;
  let asterisk: { url: string; close(): Promise<void> };
  let dialer: AsteriskDialer;

  beforeAll(async () => {
    asterisk = await openLiveAsterisk();
    fixture = await dispatchFixture({ startAt: new Date().toISOString() });
    dialer = await startAsteriskDialer({
      bus: fixture.bus,
      logger: fixture.logger,
      ami: parseAmiUrl(asterisk.url),
      settings: {
        context: 'pronto-outbound',
        agentRingSeconds: 5,
        trunkChannels: 10,
        numberFormat: 'digits',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await dialer?.stop();
    await fixture?.close();
    await asterisk?.close();
  });

  it('is paused at the second rejection; the lead ends with the agent whose phone answers, in a bounded number of attempts', async () => {
    // The rejecting agent has been free longest, so it is offered the first lead.
    const rejecting = await fixture.addAgent('dnd');
    const answering = await fixture.addAgent('answers');
    await fixture.db.sql.query(
      `UPDATE agent SET sip_endpoint = $2, state_since = now() - interval '1 minute' WHERE id = $1`,
      [rejecting, 'PJSIP/agent1004'],
    );
    await fixture.db.sql.query('UPDATE agent SET sip_endpoint = $2 WHERE id = $1', [
      answering,
      'PJSIP/agent1001',
    ]);
    const first = await fixture.addLead({ phone: '+15550000001', dueInSeconds: 120, score: 90 });
    const second = await fixture.addLead({ phone: '+15550000002', dueInSeconds: 240, score: 10 });
    const dispatcher = await fixture.start({ now: () => new Date(), loop: true });

    // Both desktops: accept each offer; record an outcome once a contact is in wrap-up.
    const deadline = Date.now() + 90_000;
    const done = async () => {
      const [a, b] = [await fixture.lead(first), await fixture.lead(second)];
      return a.status === 'dispositioned' && b.status === 'dispositioned';
    };
    const disposed = new Set<string>();
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error('the two leads were not dispositioned in 90 s');
      for (const agentId of [rejecting, answering]) {
        const held = await fixture.held(agentId);
        if (held?.stage === 'offered') await fixture.command(agentId, 'accept', { attemptId: held.id });
        // An outcome during the call also hangs it up.
        if ((held?.stage === 'connected' || held?.stage === 'wrap_up') && !disposed.has(held.id)) {
          disposed.add(held.id);
          await fixture.command(agentId, 'disposition', {
            attemptId: held.id,
            disposition: { code: 'not_interested' },
          });
        }
      }
      dispatcher.wake();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const dnd = await fixture.agent(rejecting);
    expect(dnd).toMatchObject({ state: 'paused', pauseReason: 'missed_offers', missedOffers: 2 });
    for (const leadId of [first, second]) {
      const lead = await fixture.lead(leadId);
      const contact = lead.attempts.find((attempt) => attempt.outcome === 'contacted');
      expect(contact?.agentId, JSON.stringify(lead.attempts)).toBe(answering);
      // Every attempt the rejecting phone made is recorded as a rejection, with Asterisk's cause.
      for (const attempt of lead.attempts.filter((candidate) => candidate.agentId === rejecting))
        expect(attempt).toMatchObject({
          outcome: 'agent_missed',
          endReason: 'agent_phone_rejected',
          hangupCauseCode: 17,
          dialedAt: null,
        });
      expect(lead.attempts.length, JSON.stringify(lead.attempts)).toBeLessThanOrEqual(3);
    }
    // Two rejections in a row, then the pause: the rejecting phone rang at most twice in all.
    const attempts = await fixture.db.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM attempt WHERE agent_id = $1',
      [rejecting],
    );
    expect(attempts[0]?.n).toBe(2);
  }, 120_000);
});
