import { type Bus, createInProcessBus } from '@pronto/bus';
import type { LeadView } from '@pronto/contracts';
import { exampleEvent, type Harness, startHarness } from '@pronto/ingest/testing';
import { compareWithHistory, type Reporting, reportRoutes, startReporting } from '@pronto/reporting';
import { type Scoring, startScoring } from '@pronto/scoring';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase } from '@pronto/testing';
import { afterEach, describe, expect, it } from 'vitest';

const logger = createLogger({ name: 'lost-intent', level: 'silent' });
// The harness accepts its events at 00:30 UTC on Sunday 29 March 2026; the campaign's business-hours
// clock starts on Monday at 08:00 in Warsaw (06:00 UTC), so every lead is due at 06:05 UTC.
const DUE = Date.UTC(2026, 2, 30, 6, 5);
const QUERY = 'from=2026-03-30&to=2026-03-31';

describe('a lead whose intent the bus lost, with scoring down and then back', () => {
  let harness: Harness | undefined;
  let bus: Bus | undefined;
  let reporting: Reporting | undefined;
  let scoring: Scoring | undefined;
  afterEach(async () => {
    await scoring?.stop();
    await reporting?.stop();
    await bus?.close();
    await harness?.close();
  });

  it('is counted in the SLA report after the bound, breached at its due time, then scored once and still counted once', async () => {
    const db = await openTestDatabase();
    const now = () => new Date(h.clock.ms);
    const h = await startHarness({
      db,
      deps: { signedRoutes: [async (scope) => scope.register(reportRoutes, { sql: db.sql, now })] },
    });
    harness = h;
    bus = createInProcessBus({ sql: db.sql, logger });
    reporting = await startReporting({ db, bus, logger, now, unscoredTimer: false });
    const report = async () => {
      const response = await h.send('GET', `/v1/reports/sla?${QUERY}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { eligible: number; open: number; breached: number; breachReasons: unknown };
    };
    const lead = async (id: string) => (await h.send('GET', `/v1/leads/${id}`)).json() as LeadView;

    // Accepted, and its intent "published" by a bus that never delivers it (no relay runs; the row
    // is marked sent, as the Pub/Sub emulator's relay saw it).
    const accepted = await h.send('POST', '/v1/events', exampleEvent());
    expect(accepted.statusCode, accepted.body).toBe(202);
    const { leadId } = accepted.json() as { leadId: string };
    await db.sql.query(`UPDATE outbox SET sent_at = $1 WHERE topic = 'intents'`, [now().toISOString()]);

    h.clock.ms += 59_000;
    expect(await reporting.countUnscored()).toBe(0);
    expect((await report()).eligible).toBe(0);

    h.clock.ms += 2_000;
    expect(await reporting.countUnscored()).toBe(1);
    expect(await reporting.countUnscored(), 'a second pass').toBe(0);
    expect(await report()).toMatchObject({ eligible: 1, open: 1, breached: 0 });
    expect((await lead(leadId)).history.map((entry) => entry.type)).toEqual(['received', 'sla_estimated']);

    // Scoring stays down past the due time: the lead is breached, not missing.
    h.clock.ms = DUE + 60_000;
    expect(await report()).toMatchObject({ eligible: 1, open: 0, breached: 1 });

    // Scoring comes back, re-drives the lead from its stored intent, and reporting folds its facts.
    scoring = await startScoring({ db, bus, logger, now, redriveTimer: false });
    expect(await scoring.redrive()).toBe(1);
    const view = await lead(leadId);
    expect(view.status).toBe('queued');
    expect(view.sla?.dueAt).toBe(new Date(DUE).toISOString());
    expect(view.history.map((entry) => entry.type)).toEqual([
      'received',
      'sla_estimated',
      'redriven',
      'scored',
      'queued',
    ]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [row] = await db.sql.query<{ last_event: string }>(
        'SELECT last_event FROM report_lead WHERE lead_id = $1',
        [leadId],
      );
      if (row?.last_event === 'queued') break;
      if (Date.now() > deadline) throw new Error(`the queued fact was never folded (${row?.last_event})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await report()).toMatchObject({ eligible: 1, open: 0, breached: 1 });
    // The estimate is a fact in the history, so the report recomputed from it is the same.
    const { live, recomputed } = await compareWithHistory(db.sql, {
      tenantId: h.tenantId,
      from: new Date(Date.UTC(2026, 2, 30)),
      to: new Date(Date.UTC(2026, 2, 31)),
      now: now(),
    });
    expect(recomputed).toEqual(live);
  });
});
