import { type Bus, createInProcessBus } from '@pronto/bus';
import type { IntentReceivedV1, LeadView } from '@pronto/contracts';
import { exampleEvent, type Harness, phoneFor, startHarness } from '@pronto/ingest/testing';
import { createLogger } from '@pronto/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Scoring, startScoring } from './start-scoring.ts';

const logger = createLogger({ name: 'redrive-test', level: 'silent' });

describe('a lead whose intent the bus lost', () => {
  let harness: Harness;
  let bus: Bus;
  let instances: Scoring[];

  beforeEach(async () => {
    // Intake stores the events and their outbox rows; no relay runs, and the test marks the rows
    // sent: a bus that took the messages and never delivered them (what the Pub/Sub emulator did).
    harness = await startHarness();
    bus = createInProcessBus({ sql: harness.db.sql, logger });
    const now = () => new Date(harness.clock.ms);
    instances = [
      await startScoring({ db: harness.db, bus, logger, now, redriveTimer: false }),
      await startScoring({ db: harness.db, bus, logger, now, redriveTimer: false }),
    ];
  });
  afterEach(async () => {
    for (const scoring of instances) await scoring.stop();
    await bus.close();
    await harness.close();
  });

  async function sendLost(overrides: Record<string, unknown> = {}) {
    const response = await harness.send('POST', '/v1/events', exampleEvent(overrides));
    expect(response.statusCode, response.body).toBe(202);
    const { leadId } = response.json() as { leadId: string };
    const [row] = await harness.db.sql.query<{ message: IntentReceivedV1 }>(
      `UPDATE outbox SET sent_at = $2 WHERE topic = 'intents' AND key = $1 AND sent_at IS NULL RETURNING message`,
      [leadId, new Date(harness.clock.ms).toISOString()],
    );
    return { leadId, lost: row?.message as IntentReceivedV1 };
  }

  async function lead(id: string): Promise<LeadView> {
    const response = await harness.send('GET', `/v1/leads/${id}`);
    expect(response.statusCode).toBe(200);
    return response.json() as LeadView;
  }

  const redriveAll = async () =>
    (await Promise.all(instances.map((s) => s.redrive()))).reduce((a, b) => a + b, 0);

  it('is scored from the stored intent once the bound has passed, not before, and once with two instances', async () => {
    const { leadId, lost } = await sendLost();

    harness.clock.ms += 59_000;
    expect(await redriveAll()).toBe(0);
    expect((await lead(leadId)).status).toBe('received');

    harness.clock.ms += 2_000;
    expect(await redriveAll(), 'leads scored by both instances together').toBe(1);
    const view = await lead(leadId);
    expect(view.status).toBe('queued');
    expect(view.score).toBe(60);
    // The SLA is anchored at the acceptance, as if the intent had arrived at once.
    expect(view.sla).toMatchObject({
      anchorAt: '2026-03-30T06:00:00.000Z',
      dueAt: '2026-03-30T06:05:00.000Z',
    });
    expect(view.history.map((h) => h.type)).toEqual(['received', 'redriven', 'scored', 'queued']);
    expect(view.history[1]?.detail).toMatchObject({
      step: 'scoring',
      intentEventId: lost.payload.intentEventId,
    });

    // A later pass, and the lost message turning up after all, change nothing.
    harness.clock.ms += 60_000;
    expect(await redriveAll()).toBe(0);
    await bus.publish('intents', [lost]);
    for (let tries = 0; ; tries++) {
      const [seen] = await harness.db.sql.query('SELECT 1 FROM processed_message WHERE message_id = $1', [
        lost.id,
      ]);
      if (seen) break;
      if (tries > 500) throw new Error('the late intent was never consumed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await lead(leadId)).history.map((h) => h.type)).toEqual([
      'received',
      'redriven',
      'scored',
      'queued',
    ]);
    const [queued] = await harness.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE topic = 'leads' AND key LIKE '%' AND message->'payload'->>'leadId' = $1`,
      [leadId],
    );
    expect(queued?.n, 'lead.queued messages for the lead').toBe(1);
  });

  it('scores many lost leads exactly once each when two instances sweep at the same time', async () => {
    const leads: string[] = [];
    for (let n = 0; n < 40; n++)
      leads.push((await sendLost({ person: { ...exampleEvent().person, phone: phoneFor(n) } })).leadId);
    harness.clock.ms += 61_000;
    expect(await redriveAll()).toBe(40);
    const rows = await harness.db.sql.query<{ lead_id: string; scored: number; redriven: number }>(
      `SELECT lead_id, count(*) FILTER (WHERE type = 'scored')::int AS scored,
              count(*) FILTER (WHERE type = 'redriven')::int AS redriven
         FROM lead_history WHERE lead_id = ANY($1::uuid[]) GROUP BY lead_id`,
      [leads],
    );
    expect(rows).toHaveLength(40);
    expect(rows.filter((row) => row.scored !== 1 || row.redriven !== 1)).toEqual([]);
  });

  it('tries a lead that scoring fails on once, says so in its history, and goes on with the others', async () => {
    const { leadId: broken } = await sendLost({ person: { ...exampleEvent().person, phone: phoneFor(90) } });
    const { leadId: fine } = await sendLost({ person: { ...exampleEvent().person, phone: phoneFor(91) } });
    // An intent scoring cannot read: its message would have gone to the dead letters too.
    await harness.db.sql.query(`UPDATE intent_event SET raw_body = '{' WHERE lead_id = $1`, [broken]);
    harness.clock.ms += 61_000;
    expect(await instances[0]?.redrive()).toBe(1);
    expect((await lead(fine)).status).toBe('queued');
    harness.clock.ms += 60_000;
    expect(await instances[0]?.redrive()).toBe(0);
    const view = await lead(broken);
    expect(view.status).toBe('received');
    expect(view.history.map((h) => h.type)).toEqual(['received', 'redrive_failed']);
  });

  it('re-drives a lead suppressed at intake too, so its score and suppression are announced', async () => {
    const { leadId } = await sendLost({ consent: { phoneContact: false } });
    harness.clock.ms += 61_000;
    expect(await redriveAll()).toBe(1);
    const view = await lead(leadId);
    expect(view.status).toBe('suppressed');
    expect(view.score).not.toBeNull();
    expect(view.history.map((h) => h.type)).toEqual(['suppressed', 'redriven', 'scored']);
  });
});
