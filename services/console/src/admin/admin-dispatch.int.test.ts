import { type DispatchFixture, dispatchFixture } from '@pronto/dispatcher/testing';
import { AGENT_ROLE, createSessions } from '@pronto/http';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from '../testing/admin-harness.ts';

let h: AdminHarness;
let fixture: DispatchFixture;
afterEach(async () => {
  await fixture?.close();
  await h?.close();
});

/** The admin API and a running dispatcher on one database, on one fake clock. */
async function start() {
  h = await startAdminHarness();
  // Monday 30 March 2026, 12:00 in Warsaw.
  fixture = await dispatchFixture({ database: h.db, startAt: '2026-03-30T10:00:00Z' });
  h.clock.ms = fixture.clock.ms;
  const base = `/v1/admin/tenants/${fixture.tenant.slug}`;
  for (const group of ['sales', 'backup'])
    expect((await h.call('PUT', `${base}/groups/${group}`, {})).statusCode).toBe(201);
  return { base, dispatcher: await fixture.start() };
}

const campaign = (callingWindows: { days: number[]; from: string; to: string }[]) => ({
  name: 'Cash loan',
  slaSeconds: 300,
  slaClock: 'calendar',
  timeZone: 'Europe/Warsaw',
  callingWindows,
  agentGroups: ['sales', 'backup'],
});
const WEEKDAYS = [1, 2, 3, 4, 5];

describe('the admin API and the dispatcher: a change applies to the next dial', () => {
  it('a calling window changed through the API blocks the next dial, and opening it lets the next lead through, with no restart', async () => {
    const { base, dispatcher } = await start();
    const agentId = await fixture.addAgent('agent');

    const closed = await h.call(
      'PUT',
      `${base}/campaigns/cash-loan`,
      campaign([{ days: WEEKDAYS, from: '18:00', to: '21:00' }]),
    );
    expect(closed.statusCode).toBe(200);
    expect(closed.json().changes).toContainEqual({
      field: 'callingWindows',
      before: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
      after: [{ days: WEEKDAYS, from: '18:00', to: '21:00' }],
    });
    const waiting = await fixture.addLead({ phone: '+48601000001', dueInSeconds: 300 });
    expect(await dispatcher.runOnce()).toBe(0);
    const blocked = await fixture.lead(waiting);
    expect(blocked.status).toBe('waiting_retry');
    // 18:00 in Warsaw (summer time since Sunday): the window's opening.
    expect(blocked.nextAttemptAt?.toISOString()).toBe('2026-03-30T16:00:00.000Z');
    expect(blocked.history.at(-1)).toMatchObject({
      type: 'dial_blocked',
      detail: { gate: 'outside_window' },
    });
    expect(await fixture.held(agentId)).toBeUndefined();

    fixture.advance(60);
    h.clock.ms = fixture.clock.ms;
    const opened = await h.call(
      'PUT',
      `${base}/campaigns/cash-loan`,
      campaign([{ days: WEEKDAYS, from: '08:00', to: '21:00' }]),
    );
    expect(opened.json().changes.map((change: { field: string }) => change.field)).toEqual([
      'callingWindows',
    ]);
    const next = await fixture.addLead({ phone: '+48601000002', dueInSeconds: 300 });
    expect(await dispatcher.runOnce()).toBe(1);
    expect((await fixture.held(agentId))?.leadId).toBe(next);
    expect((await fixture.lead(next)).status).toBe('offered');
  });
});

describe('the admin API and the dispatcher: a disabled agent', () => {
  it('is offered nothing while an enabled agent is, and its session no longer authenticates', async () => {
    const { base, dispatcher } = await start();
    // The longest idle agent would be offered first, were it not disabled.
    const idle = await fixture.addAgent('idle');
    fixture.advance(30);
    const other = await fixture.addAgent('other');
    const username = (await fixture.agent(idle)).username;
    h.clock.ms = fixture.clock.ms;
    expect(
      (await h.call('POST', `${base}/agents/${username}/password`, { password: 'desk password' })).statusCode,
    ).toBe(204);
    const sessions = createSessions({ role: AGENT_ROLE, sql: h.db.sql, now: fixture.now });
    const signedIn = await sessions.signIn(username, 'desk password');
    if (!signedIn) throw new Error('the agent could not sign in');

    const disabled = await h.call('PATCH', `${base}/agents/${username}`, { disabled: true });
    expect(disabled.json()).toMatchObject({ disabled: true, state: 'offline' });
    expect(await sessions.find(signedIn.token)).toBeUndefined();

    const leadId = await fixture.addLead({ phone: '+48601000003', dueInSeconds: 300 });
    expect(await dispatcher.runOnce()).toBe(1);
    expect((await fixture.held(other))?.leadId).toBe(leadId);
    expect(await fixture.held(idle)).toBeUndefined();
    expect((await fixture.agent(idle)).state).toBe('offline');
  });
});

describe('the admin API and the dispatcher: a disabled tenant', () => {
  it('has its leads offered to nobody, though its agents are free, until it is enabled again', async () => {
    const { dispatcher } = await start();
    const agentId = await fixture.addAgent('agent');
    const tenant = `/v1/admin/tenants/${fixture.tenant.slug}`;
    expect((await h.call('PATCH', tenant, { disabled: true })).json()).toMatchObject({ disabled: true });

    const leadId = await fixture.addLead({ phone: '+48601000004', dueInSeconds: 300 });
    expect(await dispatcher.runOnce()).toBe(0);
    expect((await fixture.lead(leadId)).status).toBe('queued');
    expect(await fixture.held(agentId)).toBeUndefined();

    fixture.advance(5);
    h.clock.ms = fixture.clock.ms;
    expect((await h.call('PATCH', tenant, { disabled: false })).json()).toMatchObject({ disabled: false });
    expect(await dispatcher.runOnce()).toBe(1);
    expect((await fixture.held(agentId))?.leadId).toBe(leadId);
  });
});
