import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DIALER_PROFILE, SIMULATED_OUTCOMES } from './dialer-profile.ts';
import { always, dialRequest, type Harness, type HarnessOptions, startHarness } from './test-harness.ts';

const MINUTE = 60_000;

describe('the simulated dialer, on the in-process bus', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function start(options: HarnessOptions) {
    harness = await startHarness(options);
    return harness;
  }

  it('plays an answered call out: originated, ringing, answered, bridged, ended (contacted), in time order', async () => {
    const h = await start({ profile: always('answered') });
    const startedAt = h.clock.ms;
    const request = dialRequest('originate');
    await h.send(request);
    expect(h.dialer.inFlight()).toBe(1);

    await h.advance(10 * MINUTE);
    const events = await h.eventsFor(request.payload.attemptId, 5);

    expect(events.map((e) => e.phase)).toEqual(['originated', 'ringing', 'answered', 'bridged', 'ended']);
    const [originated, ringing, answered, bridged, ended] = events.map((e) => Date.parse(e.at)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const [agentRingMin, agentRingMax] = DEFAULT_DIALER_PROFILE.agentRingMs;
    expect(originated - startedAt).toBeGreaterThanOrEqual(agentRingMin);
    expect(originated - startedAt).toBeLessThanOrEqual(agentRingMax);
    expect(ringing - originated).toBe(DEFAULT_DIALER_PROFILE.postDialDelayMs);
    expect(answered).toBeGreaterThan(ringing);
    // The person is bridged to the waiting agent the moment they answer.
    expect(bridged).toBe(answered);
    expect(ended - bridged).toBeGreaterThanOrEqual(DEFAULT_DIALER_PROFILE.talkMs[0]);
    expect(events.at(-1)).toMatchObject({ outcome: 'contacted', cause: 'NORMAL CLEARING' });
    expect(events.slice(0, -1).every((e) => e.outcome === undefined)).toBe(true);
    expect(h.dialer.inFlight()).toBe(0);
  });

  it('names the channels like Asterisk: the agent leg is the Linkedid of every event', async () => {
    const h = await start({ profile: always('answered') });
    const request = dialRequest('originate');
    await h.send(request);
    await h.advance(10 * MINUTE);
    const events = await h.eventsFor(request.payload.attemptId, 5);

    const [originated, ...rest] = events;
    expect(originated?.uniqueId).toMatch(/^\d{10}\.\d+$/);
    expect(originated?.linkedId).toBe(originated?.uniqueId);
    const personLeg = rest[0]?.uniqueId;
    expect(personLeg).toMatch(/^\d{10}\.\d+$/);
    expect(personLeg).not.toBe(originated?.uniqueId);
    for (const event of rest)
      expect(event).toMatchObject({ uniqueId: personLeg, linkedId: originated?.uniqueId });
  });

  it.each([
    ['no_answer', ['originated', 'ringing', 'ended'], 'NO ANSWER'],
    ['busy', ['originated', 'ended'], 'USER BUSY'],
    ['voicemail', ['originated', 'ringing', 'answered', 'ended'], 'ANSWERING MACHINE'],
    ['failed', ['originated', 'ended'], 'CONGESTION'],
  ] as const)('ends a %s call with that outcome', async (outcome, phases, cause) => {
    const h = await start({ profile: always(outcome) });
    const request = dialRequest('originate');
    await h.send(request);
    await h.advance(10 * MINUTE);
    const events = await h.eventsFor(request.payload.attemptId, phases.length);

    expect(events.map((e) => e.phase)).toEqual(phases);
    expect(events.at(-1)).toMatchObject({ outcome, cause });
    expect(h.dialer.inFlight()).toBe(0);
  });

  it("takes the post-dial delay and the machine detection time from the campaign's profile", async () => {
    const h = await start({
      profile: always('voicemail', {
        agentRingMs: [0, 0],
        personRingMs: [5_000, 5_000],
        postDialDelayMs: 0,
        machineDetectionMs: 1_500,
      }),
    });
    const startedAt = h.clock.ms;
    const request = dialRequest('originate');
    await h.send(request);
    await h.advance(10 * MINUTE);
    const events = await h.eventsFor(request.payload.attemptId, 4);

    expect(events.map((e) => Date.parse(e.at) - startedAt)).toEqual([0, 0, 5_000, 6_500]);
  });

  it('declares no answer at the no-answer timeout', async () => {
    const h = await start({ profile: always('no_answer') });
    const request = dialRequest('originate');
    await h.send(request);
    await h.advance(10 * MINUTE);
    const [, ringing, ended] = await h.eventsFor(request.payload.attemptId, 3);

    expect(Date.parse(ended?.at ?? '') - Date.parse(ringing?.at ?? '')).toBe(
      DEFAULT_DIALER_PROFILE.noAnswerTimeoutMs,
    );
  });

  it("cuts the person's ring at the request's ring timeout when it is shorter", async () => {
    const h = await start({ profile: always('answered', { personRingMs: [15_000, 15_000] }) });
    const request = dialRequest('originate', { ringTimeoutSeconds: 10 });
    await h.send(request);
    await h.advance(10 * MINUTE);
    const [, ringing, ended] = await h.eventsFor(request.payload.attemptId, 3);

    expect(ended).toMatchObject({ phase: 'ended', outcome: 'no_answer', cause: 'NO ANSWER' });
    expect(Date.parse(ended?.at ?? '') - Date.parse(ringing?.at ?? '')).toBe(10_000);
  });

  it('places one call for an originate delivered twice, during the call or after it', async () => {
    const h = await start({ profile: always('answered') });
    const request = dialRequest('originate');
    const again = { ...request, id: 'redelivered-1' };
    await h.send(request, again);
    expect(h.dialer.inFlight()).toBe(1);

    await h.advance(10 * MINUTE);
    await h.eventsFor(request.payload.attemptId, 5);
    await h.send({ ...request, id: 'redelivered-2' });
    expect(h.dialer.inFlight()).toBe(0);
    expect(h.clock.pending()).toBe(0);
    expect(h.eventsOf(request.payload.attemptId).map((e) => e.phase)).toEqual([
      'originated',
      'ringing',
      'answered',
      'bridged',
      'ended',
    ]);
  });

  it('ends a bridged call at once when the agent hangs up: a contact all the same', async () => {
    const h = await start({ profile: always('answered', { talkMs: [5 * MINUTE, 5 * MINUTE] }) });
    const request = dialRequest('originate');
    await h.send(request);
    await h.advance(30_000);
    await h.eventsFor(request.payload.attemptId, 4);
    const hungUpAt = h.clock.ms;

    await h.send(dialRequest('hangup', request.payload));
    await h.settle();
    const events = await h.eventsFor(request.payload.attemptId, 5);

    expect(events.at(-1)).toMatchObject({ phase: 'ended', outcome: 'contacted', cause: 'AGENT HANGUP' });
    expect(Date.parse(events.at(-1)?.at ?? '')).toBe(hungUpAt);
    expect(h.dialer.inFlight()).toBe(0);
    expect(h.clock.pending()).toBe(0);
  });

  it('ends a ringing call as no answer when the agent hangs up', async () => {
    const h = await start({ profile: always('answered', { personRingMs: [20_000, 20_000] }) });
    const request = dialRequest('originate');
    await h.send(request);
    await h.advance(10_000);
    expect((await h.eventsFor(request.payload.attemptId, 2)).map((e) => e.phase)).toEqual([
      'originated',
      'ringing',
    ]);

    await h.send(dialRequest('hangup', request.payload));
    await h.settle();
    const events = await h.eventsFor(request.payload.attemptId, 3);

    expect(events.at(-1)).toMatchObject({ phase: 'ended', outcome: 'no_answer', cause: 'AGENT HANGUP' });
    expect(h.dialer.inFlight()).toBe(0);
  });

  it('ends a call answered by a machine as voicemail when the agent hangs up', async () => {
    const h = await start({ profile: always('voicemail', { personRingMs: [5_000, 5_000] }) });
    const request = dialRequest('originate');
    await h.send(request);
    await h.advance(10_001);
    await h.eventsFor(request.payload.attemptId, 3);

    await h.send(dialRequest('hangup', request.payload));
    await h.settle();
    const events = await h.eventsFor(request.payload.attemptId, 4);

    expect(events.at(-1)).toMatchObject({ phase: 'ended', outcome: 'voicemail', cause: 'AGENT HANGUP' });
  });

  it('ignores a hangup for an attempt it does not know', async () => {
    const h = await start({ profile: always('answered') });
    await h.send(dialRequest('hangup'));
    await h.settle();
    expect(h.dialer.inFlight()).toBe(0);
    expect(h.events).toEqual([]);
  });

  it('publishes again what the bus refused, in order and with the time it happened', async () => {
    let refusals = 1;
    const h = await start({
      profile: always('busy', { agentRingMs: [2_000, 2_000] }),
      wrapBus: (bus) => ({
        ...bus,
        publish: (topic, messages) =>
          topic === 'call-events' && refusals-- > 0
            ? Promise.reject(new Error('the bus is away'))
            : bus.publish(topic, messages),
      }),
    });
    const startedAt = h.clock.ms;
    const request = dialRequest('originate');
    await h.send(request);
    await h.advance(10 * MINUTE);
    const events = await h.eventsFor(request.payload.attemptId, 2);

    expect(events.map((e) => e.phase)).toEqual(['originated', 'ended']);
    expect(refusals).toBeLessThan(0);
    // `originated` keeps the time it happened; the next phase is planned from the publish a second later.
    expect(Date.parse(events[0]?.at ?? '')).toBe(startedAt + 2_000);
    expect(Date.parse(events[1]?.at ?? '')).toBe(
      startedAt + 2_000 + 1_000 + DEFAULT_DIALER_PROFILE.postDialDelayMs,
    );
  });

  it('drops the calls in flight when stopped, leaving no timer behind', async () => {
    const h = await start({ profile: always('answered') });
    await h.send(dialRequest('originate'), dialRequest('originate'));
    expect(h.dialer.inFlight()).toBe(2);

    await h.dialer.stop();
    expect(h.dialer.inFlight()).toBe(0);
    expect(h.clock.pending()).toBe(0);
  });

  it("reaches the profile's outcome shares over 1,000 calls", async () => {
    const h = await start({ profile: DEFAULT_DIALER_PROFILE, seed: 20261124 });
    const requests = Array.from({ length: 1_000 }, () => dialRequest('originate'));
    await h.send(...requests);
    await h.advance(10 * MINUTE);
    const ended = await waitForEnded(h, requests.length);

    const asSimulated = { contacted: 'answered' } as Record<string, string>;
    for (const outcome of SIMULATED_OUTCOMES) {
      const share =
        ended.filter((e) => (asSimulated[e.outcome ?? ''] ?? e.outcome) === outcome).length / 1_000;
      expect(Math.abs(share - DEFAULT_DIALER_PROFILE.rates[outcome]), outcome).toBeLessThan(0.03);
    }
  });
});

async function waitForEnded(h: Harness, count: number) {
  const ended = () => h.events.filter((e) => e.phase === 'ended');
  await expect.poll(() => ended().length, { timeout: 30_000, interval: 5 }).toBe(count);
  return ended();
}
