import { afterEach, describe, expect, it } from 'vitest';
import { type DemoBots, startDemoBots } from './demo-bots.ts';
import { agentUpdate, type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts';

const ATTEMPT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const FAST = { acceptMs: [5, 20], talkMs: [5, 20], wrapUpMs: [5, 20] } satisfies Parameters<
  typeof startDemoBots
>[0]['timing'];

let h: GatewayHarness;
let bots: DemoBots | undefined;
afterEach(async () => {
  await bots?.stop();
  bots = undefined;
  await h.close();
});

describe('startDemoBots', () => {
  it('signs in, accepts an offer and records a disposition after the call, like a person', async () => {
    // Heartbeats every minute: none of them lands while the test moves the clock.
    h = await startGatewayHarness({ heartbeatIntervalMs: 60_000 });
    const agent = { ...(await h.addAgent('bot-1', 'bot-password')), tenantId: h.tenantId };
    // 0.1 rolls a sale on the first draw.
    bots = startDemoBots({
      baseUrl: h.baseUrl,
      agents: [{ username: 'bot-1', password: 'bot-password' }],
      logger: h.logger,
      random: () => 0.1,
      timing: FAST,
    });
    await h.command((command) => command.command === 'online' && command.agentId === agent.id);

    await h.publishUpdate(agentUpdate(agent, 2, 'offered', ATTEMPT));
    expect(await h.command((command) => command.command === 'accept')).toMatchObject({
      agentId: agent.id,
      attemptId: ATTEMPT,
    });
    await h.publishUpdate(agentUpdate(agent, 3, 'dialing', ATTEMPT));
    await h.publishUpdate(agentUpdate(agent, 4, 'connected', ATTEMPT));
    const disposition = await h.command((command) => command.command === 'disposition');
    expect(disposition).toMatchObject({ agentId: agent.id, attemptId: ATTEMPT });
    // The lead asked for 20,000 PLN; the bot sells about that.
    expect(disposition.disposition).toEqual({ code: 'sale', value: 12_800, currency: 'PLN' });
    expect(h.commands.map((command) => command.payload.command)).toEqual(['online', 'accept', 'disposition']);
    // The bot saw the phone number once accepted; it never writes it down.
    expect(h.logLines.join('')).not.toContain('601234567');
  });

  it('does nothing when the call ends without a contact, and comes back after its socket is dropped', async () => {
    h = await startGatewayHarness({ heartbeatIntervalMs: 60_000 });
    const agent = { ...(await h.addAgent('bot-2', 'bot-password')), tenantId: h.tenantId };
    bots = startDemoBots({
      baseUrl: h.baseUrl,
      agents: [{ username: 'bot-2', password: 'bot-password' }],
      logger: h.logger,
      timing: FAST,
    });
    await h.command((command) => command.command === 'online');
    const ended = agentUpdate(agent, 2, 'dialing', ATTEMPT);
    if (ended.attempt) Object.assign(ended.attempt, { stage: 'ended', outcome: 'no_answer' });
    await h.publishUpdate(ended);

    // Silent past the heartbeat timeout: the gateway drops it, and the bot connects again.
    h.advanceClock(16_000);
    await h.gateway.sweep();
    await h.command((command) => command.command === 'offline');
    await expect
      .poll(() => h.commands.filter((command) => command.payload.command === 'online').length, {
        timeout: 10_000,
      })
      .toBe(2);
    expect(h.commands.map((command) => command.payload.command)).toEqual(['online', 'offline', 'online']);

    await bots.stop();
    bots = undefined;
    await expect.poll(() => h.commands.at(-1)?.payload.command, { timeout: 10_000 }).toBe('offline');
  });
});
