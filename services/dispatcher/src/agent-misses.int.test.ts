import { afterEach, describe, expect, it } from 'vitest';
import { type DispatchFixture, dispatchFixture } from './testing/dispatch-fixture.ts';

let fixture: DispatchFixture;
afterEach(async () => {
  await fixture?.close();
});

/** Offers the agent its lead, accepts it, and ends the call as the dialer does when the agent's phone misses it. */
async function phoneMisses(agentId: string, causeCode: number, cause: string) {
  const attempt = await fixture.held(agentId);
  if (!attempt) throw new Error('no offer');
  await fixture.command(agentId, 'accept', { attemptId: attempt.id });
  fixture.advance(2);
  await fixture.callEvent(attempt, 'ended', { outcome: 'agent_missed', cause, causeCode });
  return attempt;
}

const reasons = (lead: { attempts: { agentId: string | null; endReason: string | null }[] }) =>
  lead.attempts.map((attempt) => [attempt.agentId, attempt.endReason]);

describe("dispatcher: an agent's misses of every kind", () => {
  it('an agent whose phone rejects calls (486, DND) is paused at the second miss in a row; the lead goes to another agent next', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const dnd = await fixture.addAgent('dnd');
    const first = await fixture.addLead({ phone: '+48601000101', dueInSeconds: 200 });
    await dispatcher.runOnce();
    await phoneMisses(dnd, 17, 'USER BUSY');
    expect((await fixture.agent(dnd)).missedOffers).toBe(1);
    expect((await fixture.lead(first)).status).toBe('queued');

    // Another agent comes free after the miss: the rejecting agent has been idle longer, but the lead goes to the other one.
    fixture.advance(1);
    const answers = await fixture.addAgent('answers');
    fixture.advance(1);
    await dispatcher.runOnce();
    expect((await fixture.held(answers))?.leadId).toBe(first);
    expect(await fixture.held(dnd)).toBeUndefined();

    // The rejecting agent's next lead is its second miss in a row: paused, with the reason the desktop shows.
    const second = await fixture.addLead({ phone: '+48601000102', dueInSeconds: 250 });
    await dispatcher.runOnce();
    expect((await fixture.held(dnd))?.leadId).toBe(second);
    await phoneMisses(dnd, 17, 'USER BUSY');
    const paused = await fixture.agent(dnd);
    expect(paused).toMatchObject({ state: 'paused', pauseReason: 'missed_offers', missedOffers: 2 });
    await dispatcher.runOnce();
    expect(await fixture.held(dnd)).toBeUndefined();
    const lead = await fixture.lead(first);
    expect(reasons(lead)).toEqual([
      [dnd, 'agent_phone_rejected'],
      [answers, null],
    ]);
    expect(lead.attemptCount).toBe(0);
  });

  it('the only agent, whose phone never answers: the lead goes back to them (nobody else is free), they are paused at the second miss, and that lead is never offered to them a third time', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const ringsOut = await fixture.addAgent('rings-out');
    const leadId = await fixture.addLead({ phone: '+48601000103', dueInSeconds: 250 });
    await dispatcher.runOnce();
    await phoneMisses(ringsOut, 19, 'NO ANSWER');
    await dispatcher.runOnce();
    expect((await fixture.held(ringsOut))?.leadId).toBe(leadId);
    await phoneMisses(ringsOut, 19, 'NO ANSWER');
    expect(await fixture.agent(ringsOut)).toMatchObject({ state: 'paused', pauseReason: 'missed_offers' });

    // Back from the pause, the agent gets other leads but not this one: its phone missed it twice.
    await fixture.command(ringsOut, 'resume');
    fixture.advance(600);
    await dispatcher.runOnce();
    expect(await fixture.held(ringsOut)).toBeUndefined();
    const other = await fixture.addLead({ phone: '+48601000104', dueInSeconds: 300 });
    await dispatcher.runOnce();
    expect((await fixture.held(ringsOut))?.leadId).toBe(other);

    const colleague = await fixture.addAgent('colleague');
    await dispatcher.runOnce();
    expect((await fixture.held(colleague))?.leadId).toBe(leadId);
    expect(reasons(await fixture.lead(leadId))).toEqual([
      [ringsOut, 'agent_phone_no_answer'],
      [ringsOut, 'agent_phone_no_answer'],
      [colleague, null],
    ]);
  });

  it('an offer not taken in time and a phone that rejects count together; the phone answering ends the run', async () => {
    fixture = await dispatchFixture();
    const dispatcher = await fixture.start();
    const agentId = await fixture.addAgent('agent');
    const first = await fixture.addLead({ phone: '+48601000105', dueInSeconds: 250 });
    await dispatcher.runOnce();
    fixture.advance(21);
    await dispatcher.runOnce();
    expect((await fixture.agent(agentId)).missedOffers).toBe(1);
    // Accepting alone does not end the run: the phone still has to answer.
    await phoneMisses(agentId, 21, 'CALL REJECTED');
    expect(await fixture.agent(agentId)).toMatchObject({ state: 'paused', pauseReason: 'missed_offers' });
    expect(reasons(await fixture.lead(first))).toEqual([
      [agentId, 'offer_timeout'],
      [agentId, 'agent_phone_rejected'],
    ]);

    await fixture.command(agentId, 'resume');
    await dispatcher.runOnce();
    fixture.advance(21);
    await dispatcher.runOnce();
    expect((await fixture.agent(agentId)).missedOffers).toBe(1);
    const attempt = await fixture.held(agentId);
    if (!attempt) throw new Error('no offer');
    await fixture.command(agentId, 'accept', { attemptId: attempt.id });
    await fixture.callEvent(attempt, 'originated', { uniqueId: '1700000000.9' });
    expect(await fixture.agent(agentId)).toMatchObject({ state: 'dialing', missedOffers: 0 });
  });
});
