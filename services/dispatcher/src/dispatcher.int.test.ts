import { afterEach, describe, expect, it } from 'vitest';
import { type DispatchFixture, dispatchFixture } from './testing/dispatch-fixture.ts';

let fixture: DispatchFixture;
afterEach(async () => {
  await fixture?.close();
});

const types = (history: { type: string }[]) => history.map((entry) => entry.type);

describe('dispatcher: one lead through offer, dial, contact and disposition', () => {
  it('offers the earliest-due lead to the longest-idle agent, then dials, connects and closes with the sale', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const early = await fixture.addAgent('early');
    fixture.advance(5);
    const late = await fixture.addAgent('late');
    const later = await fixture.addLead({ phone: '+48601000001', dueInSeconds: 280 });
    const sooner = await fixture.addLead({ phone: '+48601000002', dueInSeconds: 120 });

    expect(await dispatcher.runOnce()).toBe(2);
    expect((await fixture.held(early))?.leadId).toBe(sooner);
    expect((await fixture.held(late))?.leadId).toBe(later);
    expect((await fixture.agent(early)).state).toBe('offered');
    expect((await fixture.lead(sooner)).status).toBe('offered');

    const attempt = await fixture.held(early);
    if (!attempt) throw new Error('no attempt');
    await fixture.command(early, 'accept', { attemptId: attempt.id });
    expect((await fixture.lead(sooner)).status).toBe('dialing');
    expect((await fixture.agent(early)).state).toBe('dialing');

    fixture.advance(8);
    await fixture.callEvent(attempt, 'originated', { uniqueId: '1700000000.1' });
    await fixture.callEvent(attempt, 'ringing');
    await fixture.callEvent(attempt, 'answered');
    await fixture.callEvent(attempt, 'bridged');
    const contacted = await fixture.lead(sooner);
    expect(contacted.status).toBe('contacted');
    expect(contacted.contactedAt?.getTime()).toBe(fixture.clock.ms);
    expect((await fixture.agent(early)).state).toBe('on_call');

    await fixture.command(early, 'disposition', {
      attemptId: attempt.id,
      disposition: { code: 'sale', value: 1200, currency: 'PLN' },
    });
    // A disposition during the call hangs up; the lead closes when the dialer confirms the end.
    fixture.advance(60);
    await fixture.callEvent(attempt, 'ended', { outcome: 'contacted', cause: 'NORMAL CLEARING' });
    const closed = await fixture.lead(sooner);
    expect(closed.status).toBe('dispositioned');
    expect(closed.closedAt).not.toBeNull();
    expect(closed.disposition).toEqual({ code: 'sale', value: 1200, currency: 'PLN' });
    expect(closed.attempts[0]).toMatchObject({ outcome: 'contacted', agentId: early });
    expect(types(closed.history)).toEqual(['offered', 'dialing', 'contacted', 'call_ended', 'dispositioned']);
    expect((await fixture.agent(early)).state).toBe('available');
    expect(await fixture.held(early)).toBeUndefined();
  });

  it('a rejected offer puts the lead back at the front, and the next free agent gets it', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const first = await fixture.addAgent('first');
    const leadId = await fixture.addLead({ phone: '+48601000003', dueInSeconds: 200 });
    await dispatcher.runOnce();
    const offer = await fixture.held(first);
    const second = await fixture.addAgent('second');
    fixture.advance(1);
    await fixture.command(first, 'reject', { attemptId: offer?.id });
    expect((await fixture.lead(leadId)).status).toBe('queued');
    fixture.advance(1);
    await dispatcher.runOnce();
    // The rejecting agent was just freed; the one idle longer takes the lead.
    expect((await fixture.held(second))?.leadId).toBe(leadId);
    const lead = await fixture.lead(leadId);
    expect(lead.attempts.map((a) => [a.outcome, a.endReason])).toEqual([
      ['agent_missed', 'rejected'],
      [null, null],
    ]);
  });

  it('a rejected lead is not offered back to the agent who rejected it; that agent gets the next lead', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const only = await fixture.addAgent('only');
    const first = await fixture.addLead({ phone: '+48601000040', dueInSeconds: 100 });
    await dispatcher.runOnce();
    const offer = await fixture.held(only);
    expect(offer?.leadId).toBe(first);
    const second = await fixture.addLead({ phone: '+48601000041', dueInSeconds: 200 });
    await fixture.command(only, 'reject', { attemptId: offer?.id });
    await dispatcher.runOnce();
    expect((await fixture.held(only))?.leadId).toBe(second);
    expect((await fixture.lead(first)).status).toBe('queued');
  });

  it('an offer not taken in time goes back to the queue, and the agent is paused after two misses in a row', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const sleepy = await fixture.addAgent('sleepy');
    const leadId = await fixture.addLead({ phone: '+48601000004', dueInSeconds: 250 });
    await dispatcher.runOnce();
    fixture.advance(21);
    await dispatcher.runOnce();
    // Missed once: the lead was queued again and, the only agent being free again, re-offered.
    expect((await fixture.agent(sleepy)).missedOffers).toBe(1);
    expect((await fixture.lead(leadId)).attempts.map((a) => a.endReason)).toEqual(['offer_timeout', null]);
    fixture.advance(21);
    await dispatcher.runOnce();
    const agent = await fixture.agent(sleepy);
    expect(agent.state).toBe('paused');
    expect(agent.pauseReason).toBe('missed_offers');
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('queued');
    expect(types(lead.history)).toEqual(['offered', 'offer_missed', 'offered', 'offer_missed']);

    await fixture.command(sleepy, 'resume');
    await dispatcher.runOnce();
    expect((await fixture.held(sleepy))?.leadId).toBe(leadId);
  });

  it('a no-answer is retried after the short delay inside the SLA, and the retry survives a restart', async () => {
    fixture = await dispatchFixture();
    const before = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000005', dueInSeconds: 290 });
    await before.runOnce();
    const attempt = await fixture.held(agentId);
    if (!attempt) throw new Error('no offer');
    await fixture.command(agentId, 'accept', { attemptId: attempt.id });
    fixture.advance(30);
    await fixture.callEvent(attempt, 'ringing');
    await fixture.callEvent(attempt, 'ended', { outcome: 'no_answer', cause: 'NO ANSWER' });
    const waiting = await fixture.lead(leadId);
    expect(waiting.status).toBe('waiting_retry');
    expect(waiting.nextAttemptAt?.getTime()).toBe(fixture.clock.ms + 60_000);
    expect((await fixture.agent(agentId)).state).toBe('available');

    // The dispatcher stops; the timer is a column, so the next instance fires it.
    await before.stop();
    const after = await fixture.start();
    fixture.advance(59);
    await after.runOnce();
    expect((await fixture.lead(leadId)).status).toBe('waiting_retry');
    fixture.advance(2);
    await after.runOnce();
    const retried = await fixture.lead(leadId);
    expect(retried.status).toBe('offered');
    expect(retried.attempts).toHaveLength(2);
    expect(types(retried.history)).toEqual([
      'offered',
      'dialing',
      'call_ended',
      'retry_scheduled',
      'requeued',
      'offered',
    ]);
  });

  it('a dialer that goes silent does not hold the agent: the attempt fails at the deadline and is retried', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000006', dueInSeconds: 290 });
    await dispatcher.runOnce();
    const attempt = await fixture.held(agentId);
    await fixture.command(agentId, 'accept', { attemptId: attempt?.id });
    fixture.advance(121);
    await dispatcher.runOnce();
    const lead = await fixture.lead(leadId);
    expect(lead.attempts[0]).toMatchObject({ outcome: 'failed', endReason: 'dialer_silent' });
    expect(lead.status).toBe('waiting_retry');
    expect((await fixture.agent(agentId)).state).toBe('available');
  });

  it('an agent going offline with an offer in hand puts the lead back at once', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const gone = await fixture.addAgent('gone');
    const leadId = await fixture.addLead({ phone: '+48601000007', dueInSeconds: 200 });
    await dispatcher.runOnce();
    await fixture.command(gone, 'offline');
    expect((await fixture.agent(gone)).state).toBe('offline');
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('queued');
    expect(lead.attempts[0]).toMatchObject({ outcome: 'agent_missed', endReason: 'agent_offline' });
  });
});

describe('dispatcher: compliance gates before every dial', () => {
  it('outside the calling window the dial is blocked, the history says why, and the lead waits for the window', async () => {
    // Monday 30 March 2026, 21:30 in Warsaw (19:30 UTC, the day after the spring change): closed until 08:00.
    fixture = await dispatchFixture({
      callingWindows: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '21:00' }],
      startAt: '2026-03-30T19:30:00Z',
    });
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000008', dueInSeconds: 300 });
    expect(await dispatcher.runOnce()).toBe(0);
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('waiting_retry');
    expect(lead.nextAttemptAt?.toISOString()).toBe('2026-03-31T06:00:00.000Z');
    expect(lead.history.at(-1)).toMatchObject({ type: 'dial_blocked', detail: { gate: 'outside_window' } });
    expect(await fixture.held(agentId)).toBeUndefined();
  });

  it('a number put on the DNC list after queuing is blocked at accept and the lead is suppressed', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000009', dueInSeconds: 200 });
    await dispatcher.runOnce();
    await fixture.db.sql.query(
      `INSERT INTO dnc_entry (tenant_id, phone_e164, source) VALUES ($1, '+48601000009', 'api')`,
      [fixture.tenant.id],
    );
    const attempt = await fixture.held(agentId);
    await fixture.command(agentId, 'accept', { attemptId: attempt?.id });
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('suppressed');
    expect(lead.suppressionReason).toBe('dnc');
    expect(lead.attemptCount).toBe(0);
    expect(lead.history.at(-1)).toMatchObject({ type: 'dial_blocked', detail: { gate: 'dnc' } });
    expect((await fixture.agent(agentId)).state).toBe('available');
  });

  it('the lifetime attempt cap expires the lead instead of dialing again', async () => {
    fixture = await dispatchFixture({ retryPolicy: { maxAttempts: 1 } });
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000010', dueInSeconds: 290 });
    await dispatcher.runOnce();
    const attempt = await fixture.held(agentId);
    if (!attempt) throw new Error('no offer');
    await fixture.command(agentId, 'accept', { attemptId: attempt.id });
    await fixture.callEvent(attempt, 'ended', { outcome: 'busy', cause: 'USER BUSY' });
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('expired');
    expect(lead.history.at(-1)).toMatchObject({ type: 'expired', detail: { reason: 'max_attempts' } });
  });
});

describe('dispatcher: overflow', () => {
  it('gives a lead to the backup group only once its slack is below the threshold', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const backup = await fixture.addAgent('backup', ['backup']);
    const leadId = await fixture.addLead({ phone: '+48601000011', dueInSeconds: 200 });
    await dispatcher.runOnce();
    expect(await fixture.held(backup)).toBeUndefined();
    fixture.advance(81);
    await dispatcher.runOnce();
    expect((await fixture.held(backup))?.leadId).toBe(leadId);
    const lead = await fixture.lead(leadId);
    expect(lead.history.at(-1)).toMatchObject({
      type: 'offered',
      detail: { group: 'backup', overflow: true },
    });
  });
});

describe('dispatcher: nothing is left holding a lead', () => {
  it('an agent whose desktop drops during the dial stays offline, and the contact closes without an outcome', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000012', dueInSeconds: 250 });
    await dispatcher.runOnce();
    const attempt = await fixture.held(agentId);
    if (!attempt) throw new Error('no offer');
    await fixture.command(agentId, 'accept', { attemptId: attempt.id });
    await fixture.command(agentId, 'offline');
    await fixture.callEvent(attempt, 'bridged');
    expect((await fixture.agent(agentId)).state).toBe('offline');
    await fixture.callEvent(attempt, 'ended', { outcome: 'contacted' });
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('dispositioned');
    expect(lead.closedAt).not.toBeNull();
    expect(lead.history.at(-1)).toMatchObject({ type: 'dispositioned', detail: { why: 'agent_offline' } });
    expect(await fixture.held(agentId)).toBeUndefined();
  });

  it('a wrap-up left without an outcome is closed at its limit and the agent is freed', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000013', dueInSeconds: 250 });
    await dispatcher.runOnce();
    const attempt = await fixture.held(agentId);
    if (!attempt) throw new Error('no offer');
    await fixture.command(agentId, 'accept', { attemptId: attempt.id });
    await fixture.callEvent(attempt, 'bridged');
    await fixture.callEvent(attempt, 'ended', { outcome: 'contacted' });
    expect((await fixture.agent(agentId)).state).toBe('wrap_up');
    fixture.advance(601);
    await dispatcher.runOnce();
    expect((await fixture.agent(agentId)).state).toBe('available');
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('dispositioned');
    expect(lead.attempts[0]?.endReason).toBe('wrap_up_timeout');
  });

  it("the agent's own phone not answering puts the lead back at the front without using up a dial", async () => {
    fixture = await dispatchFixture({ retryPolicy: { maxAttempts: 1 } });
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000014', dueInSeconds: 250 });
    await dispatcher.runOnce();
    const attempt = await fixture.held(agentId);
    if (!attempt) throw new Error('no offer');
    await fixture.command(agentId, 'accept', { attemptId: attempt.id });
    await fixture.callEvent(attempt, 'ended', { outcome: 'agent_missed', cause: 'NO ANSWER' });
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('queued');
    expect(lead.attemptCount).toBe(0);
    expect(lead.attempts[0]).toMatchObject({ outcome: 'agent_missed', dialedAt: null });
    expect((await fixture.agent(agentId)).missedOffers).toBe(1);
  });

  it('a campaign without calling windows retries instead of expiring', async () => {
    fixture = await dispatchFixture({ callingWindows: [] });
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const leadId = await fixture.addLead({ phone: '+48601000015', dueInSeconds: 250 });
    await dispatcher.runOnce();
    const attempt = await fixture.held(agentId);
    if (!attempt) throw new Error('no offer');
    await fixture.command(agentId, 'accept', { attemptId: attempt.id });
    await fixture.callEvent(attempt, 'ended', { outcome: 'no_answer' });
    const lead = await fixture.lead(leadId);
    expect(lead.status).toBe('waiting_retry');
    expect(lead.nextAttemptAt?.getTime()).toBe(fixture.clock.ms + 60_000);
  });

  it('a backlog of breached leads does not hide a lead that can still meet its SLA', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start({ settings: { queueWindow: 2 } });
    for (let n = 0; n < 3; n++)
      await fixture.addLead({ phone: `+4860100002${n}`, dueInSeconds: -60 - n, score: 90 });
    const fresh = await fixture.addLead({ phone: '+48601000030', dueInSeconds: 200, score: 10 });
    const agentId = await fixture.addAgent('agent');
    await dispatcher.runOnce();
    expect((await fixture.held(agentId))?.leadId).toBe(fresh);
  });
});
