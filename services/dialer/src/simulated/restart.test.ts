import { afterEach, describe, expect, it } from 'vitest';
import { always, dialRequest, type Harness, startHarness } from './test-harness.ts';

const MINUTE = 60_000;

/**
 * Issue 19: a dialer restarted between an originate and its redelivery (the bus had not taken the
 * acknowledgement) remembers the call in the database: one attempt, one call.
 */
describe('the simulated dialer after a restart, on an embedded database', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const callRow = async (h: Harness, attemptId: string) =>
    (
      await h.db.sql.query<{ ended_at: Date | null; outcome: string | null }>(
        'SELECT ended_at, outcome FROM dialer_call WHERE attempt_id = $1',
        [attemptId],
      )
    )[0];

  it('places no second call for an originate redelivered after the call ended, and publishes nothing new', async () => {
    harness = await startHarness({ profile: always('answered') });
    const h = harness;
    const request = dialRequest('originate');
    const { attemptId } = request.payload;
    await h.send(request);
    await h.advance(10 * MINUTE);
    await h.eventsFor(attemptId, 5);
    await h.settle();
    expect(await callRow(h, attemptId)).toMatchObject({ outcome: 'contacted', ended_at: expect.any(Date) });

    await h.restart();
    await h.send({ ...request, id: 'redelivered-after-restart' });
    await h.advance(10 * MINUTE);

    expect(h.dialer.inFlight()).toBe(0);
    expect(h.clock.pending()).toBe(0);
    expect(h.eventsOf(attemptId).map((event) => event.phase)).toEqual([
      'originated',
      'ringing',
      'answered',
      'bridged',
      'ended',
    ]);
  });

  it('places no second call for an attempt whose call a crash dropped: the dial deadline ends it', async () => {
    harness = await startHarness({ profile: always('answered') });
    const h = harness;
    const request = dialRequest('originate');
    const { attemptId } = request.payload;
    await h.send(request);
    // The call is recorded as placed before any of its events.
    expect(await callRow(h, attemptId)).toEqual({ ended_at: null, outcome: null });
    await h.advance(5_000);
    await h.eventsFor(attemptId, 2);
    const before = h.eventsOf(attemptId).map((event) => event.phase);
    expect(before).toEqual(['originated', 'ringing']);

    await h.restart();
    await h.send({ ...request, id: 'redelivered-after-crash' });
    await h.advance(10 * MINUTE);

    expect(h.dialer.inFlight()).toBe(0);
    expect(h.eventsOf(attemptId).map((event) => event.phase)).toEqual(before);
    expect(await callRow(h, attemptId)).toEqual({ ended_at: null, outcome: null });
  });

  it('still dials other attempts after the restart', async () => {
    harness = await startHarness({ profile: always('busy') });
    const h = harness;
    const first = dialRequest('originate');
    await h.send(first);
    await h.restart();
    const second = dialRequest('originate');
    await h.send({ ...first, id: 'redelivered' }, second);
    await h.advance(10 * MINUTE);
    const events = await h.eventsFor(second.payload.attemptId, 2);
    expect(events.map((event) => event.phase)).toEqual(['originated', 'ended']);
    expect(h.eventsOf(first.payload.attemptId)).toEqual([]);
  });
});
