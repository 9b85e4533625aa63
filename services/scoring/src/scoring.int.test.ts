import { type Bus, createInProcessBus, type OutboxRelay, startOutboxRelay } from '@pronto/bus';
import type { IntentReceivedV1, LeadView } from '@pronto/contracts';
import { exampleEvent, type Harness, phoneFor, startHarness } from '@pronto/ingest/testing';
import { createLogger } from '@pronto/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Scoring, startScoring } from './start-scoring.ts';

const logger = createLogger({ name: 'scoring-test', level: 'silent' });

describe('scoring, fed by the real intake through the outbox and the in-process bus', () => {
  let harness: Harness;
  let bus: Bus;
  let relay: OutboxRelay;
  let scoring: Scoring;

  beforeEach(async () => {
    let wake = () => {};
    harness = await startHarness({ deps: { onEventsCommitted: () => wake() } });
    bus = createInProcessBus({ sql: harness.db.sql, logger });
    relay = startOutboxRelay({
      sql: harness.db.sql,
      bus,
      logger,
      topics: ['intents'],
      exclusive: harness.db.kind === 'postgres',
    });
    wake = () => relay.wake();
    scoring = await startScoring({ db: harness.db, bus, logger, now: () => new Date(harness.clock.ms) });
  });
  afterEach(async () => {
    await scoring.stop();
    await relay.stop();
    await bus.close();
    await harness.close();
  });

  async function send(overrides: Record<string, unknown> = {}) {
    const response = await harness.send('POST', '/v1/events', exampleEvent(overrides));
    expect(response.statusCode, response.body).toBe(202);
    return response.json() as { leadId: string; status: string };
  }

  async function lead(id: string): Promise<LeadView> {
    const response = await harness.send('GET', `/v1/leads/${id}`);
    expect(response.statusCode).toBe(200);
    return response.json() as LeadView;
  }

  /** The lead once scoring has decided on it (polled: scoring runs asynchronously, as in production). */
  async function settled(id: string, done: (view: LeadView) => boolean = (v) => v.status !== 'received') {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const view = await lead(id);
      if (done(view)) return view;
      if (Date.now() > deadline)
        throw new Error(`lead ${id} still ${view.status}: ${JSON.stringify(view.history)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('queues a lead with its score factors and a business-hours due time', async () => {
    // Sunday 29 March 2026, 02:30 in Warsaw (the clocks jump to 03:00 that night): no window is
    // open, so the clock starts at Monday's opening, 08:00 CEST = 06:00 UTC, and is due 5 min later.
    const { leadId } = await send();
    const view = await settled(leadId);
    expect(view.status).toBe('queued');
    expect(view.score).toBe(60);
    expect(view.scoreFactors.map((f) => [f.factor, f.points])).toEqual([
      ['eligibility', 40],
      ['amount', 6],
      ['visits', 9],
      ['seconds_on_page', 4.7],
      ['repeat_intent', 0],
      ['hour_of_day', 0],
    ]);
    expect(view.timeZone).toBe('Europe/Warsaw');
    expect(view.sla).toMatchObject({
      anchorAt: '2026-03-30T06:00:00.000Z',
      dueAt: '2026-03-30T06:05:00.000Z',
      met: null,
    });
    expect(view.history.map((h) => h.type)).toEqual(['received', 'scored', 'queued']);
  });

  it('suppresses a lead without consent, with the reason, and still explains its score', async () => {
    const { leadId, status } = await send({ consent: { phoneContact: false } });
    expect(status).toBe('suppressed');
    const view = await settled(leadId, (v) => v.score !== null);
    expect(view.status).toBe('suppressed');
    expect(view.suppression).toEqual({ reason: 'no_consent' });
    expect(view.sla.dueAt).toBeNull();
    expect(view.scoreFactors).toHaveLength(6);
  });

  it("suppresses a number on the tenant's do-not-call list", async () => {
    await harness.db.sql.query(
      "INSERT INTO dnc_entry (tenant_id, phone_e164, source) VALUES ($1, '+48601000123', 'api')",
      [harness.tenantId],
    );
    const { leadId } = await send({ person: { phone: phoneFor(1_000_123), name: 'Ewa' } });
    const view = await settled(leadId);
    expect(view.status).toBe('suppressed');
    expect(view.suppression).toEqual({ reason: 'dnc' });
    expect(view.history.at(-1)?.detail).toMatchObject({ reason: 'dnc' });
  });

  it('suppresses a premium-rate number as invalid_number', async () => {
    const { leadId } = await send({ person: { phone: '+48 701 234 567' } });
    const view = await settled(leadId);
    expect(view.suppression).toEqual({ reason: 'invalid_number' });
    expect(view.history.at(-1)?.detail).toMatchObject({ why: 'the number is a premium-rate line' });
  });

  it('merges a repeat intent into the open lead and raises its score, keeping the due time', async () => {
    const first = await send({ person: { phone: phoneFor(77) } });
    const before = await settled(first.leadId);
    harness.clock.ms += 60_000;
    const second = await send({ person: { phone: phoneFor(77) } });
    expect(second).toMatchObject({ leadId: first.leadId, status: 'merged' });
    const after = await settled(first.leadId, (v) => v.history.some((h) => h.type === 'rescored'));
    expect(after.intents).toBe(2);
    expect(after.score).toBe((before.score ?? 0) + 10);
    expect(after.scoreFactors.find((f) => f.factor === 'repeat_intent')).toEqual({
      factor: 'repeat_intent',
      value: 2,
      points: 10,
    });
    expect(after.sla).toEqual(before.sla);
  });

  it('makes one lead of 20 events for one phone sent at once', async () => {
    const phone = phoneFor(4242);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        harness.send('POST', '/v1/events', exampleEvent({ person: { phone } })),
      ),
    );
    const bodies = answers.map((r) => r.json() as { leadId: string; status: string });
    expect(answers.every((r) => r.statusCode === 202)).toBe(true);
    expect(new Set(bodies.map((b) => b.leadId)).size).toBe(1);
    expect(bodies.filter((b) => b.status === 'accepted')).toHaveLength(1);
    const leadId = bodies[0]?.leadId as string;
    await relay.flush();
    const view = await settled(leadId);
    expect(view.intents).toBe(20);
    expect(view.history.filter((h) => h.type === 'queued')).toHaveLength(1);
    const [open] = await harness.db.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM lead WHERE phone_e164 = $1',
      ['+48600004242'],
    );
    expect(open?.n).toBe(1);
  });

  it('applies a redelivered intent once', async () => {
    const { leadId } = await send({ person: { phone: phoneFor(99) } });
    await settled(leadId);
    const [row] = await harness.db.sql.query<{ message: IntentReceivedV1 }>(
      "SELECT message FROM outbox WHERE topic = 'intents' AND message->'payload'->>'leadId' = $1",
      [leadId],
    );
    const original = row?.message as IntentReceivedV1;
    await bus.publish('intents', [original, original]);
    // A fresh message for another lead, published after the repeats: once it is scored, the
    // repeats before it (same key, same partition) have been handled too.
    const marker = await send({ person: { phone: phoneFor(100) } });
    await settled(marker.leadId);
    const view = await lead(leadId);
    expect(view.history.map((h) => h.type)).toEqual(['received', 'scored', 'queued']);
  });

  it('takes the campaign zone for a US number with no zone in the event, and says why', async () => {
    const { leadId } = await send({ person: { phone: '+1 212 555 0143' } });
    const view = await settled(leadId);
    expect(view.timeZone).toBe('Europe/Warsaw');
    expect(view.history.find((h) => h.type === 'scored')?.detail).toMatchObject({
      zoneSource: 'campaign',
      zoneNote: expect.stringContaining('US has'),
    });
  });
});
