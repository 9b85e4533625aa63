import { randomUUID } from 'node:crypto';
import { type Bus, createInProcessBus, type Subscription } from '@pronto/bus';
import { compileValidator, type LeadEventV1, SurveyRequestedV1 } from '@pronto/contracts';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { type Surveys, startSurveys, surveyRoutes } from '@pronto/surveys/testing';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Reporting, startReporting } from '../start-reporting.ts';
import { kpiRoutes } from './kpi-routes.ts';
import {
  addAgent,
  addAttempt,
  at,
  type Contact,
  moveAgent,
  NEXT_DAY,
  NPS_CONTACTS,
  NPS_SCORES,
  SHIFT,
  SHIFT_CONTACTS,
  STATES,
} from './scripted-shift.ts';

const logger = createLogger({ name: 'kpi-test', level: 'silent' });

const surveyMessage = compileValidator(SurveyRequestedV1.schema);

describe('call-centre KPIs and NPS over a scripted shift', () => {
  let harness: Harness;
  let bus: Bus;
  let reporting: Reporting;
  let surveys: Surveys;
  let sender: Subscription;
  const asked: SurveyRequestedV1[] = [];
  const agents: Record<string, string> = {};
  const campaigns: Record<string, string> = {};
  const attempts: string[] = [];
  let otherSurveyId = '';
  const dispositioned: LeadEventV1[] = [];

  /** Every message of the topic published so far is acknowledged by the group. */
  const caughtUp = (group: string, topic: string) => async () => {
    const [row] = await harness.db.sql.query<{ behind: number }>(
      `SELECT count(*)::int AS behind FROM bus_message m
        WHERE m.topic = $2 AND m.id > COALESCE((SELECT o.position FROM bus_offset o
               WHERE o.consumer_group = $1 AND o.topic = m.topic AND o.partition = m.partition), 0)`,
      [group, topic],
    );
    return row?.behind === 0;
  };
  async function eventually(check: () => Promise<boolean>, what: string) {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  const get = async (query: string) => {
    const response = await harness.send('GET', `/v1/reports/kpis?${query}`);
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  /** The agents' slices by name (the slices are in the order of the agents' ids). */
  const byAgent = (report: { slices: { key: string }[] }) => ({
    anna: report.slices.find((slice) => slice.key === agents.anna) as Record<string, unknown> | undefined,
    bartek: report.slices.find((slice) => slice.key === agents.bartek) as Record<string, unknown> | undefined,
  });
  const respond = (surveyId: string, body: unknown) =>
    harness.send('POST', `/v1/surveys/${surveyId}/responses`, body);
  const surveyOf = async (attemptId: string) => {
    const [row] = await harness.db.sql.query<{ id: string; requested_at: Date }>(
      'SELECT id::text, requested_at FROM survey WHERE attempt_id = $1',
      [attemptId],
    );
    if (!row) throw new Error(`no survey for ${attemptId}`);
    return row;
  };

  beforeAll(async () => {
    const db = await openTestDatabase();
    harness = await startHarness({
      db,
      deps: {
        signedRoutes: [
          async (scope) => scope.register(kpiRoutes, { sql: db.sql, now: () => new Date(harness.clock.ms) }),
          async (scope) =>
            scope.register(surveyRoutes, { sql: db.sql, now: () => new Date(harness.clock.ms) }),
        ],
      },
    });
    harness.clock.ms = Date.parse(at('11:00'));
    const tenantId = harness.tenantId;
    bus = createInProcessBus({ sql: db.sql, logger });
    // Reporting and the surveys service read lead-events in groups of their own, as in the embedded process.
    reporting = await startReporting({ db, bus, logger, now: () => new Date(harness.clock.ms) });
    surveys = await startSurveys({ db, bus, logger, now: () => new Date(harness.clock.ms) });
    sender = await bus.subscribe({
      topic: SurveyRequestedV1.topic,
      group: 'survey-sender',
      handler: async ({ message }) => {
        const checked = surveyMessage.validate(message);
        if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
        asked.push(checked.value);
      },
    });

    const [cash] = await db.sql.query<{ id: string }>(
      `UPDATE campaign SET agent_groups = '{sales,backup}' WHERE tenant_id = $1 AND slug = 'cash-loan' RETURNING id::text`,
      [tenantId],
    );
    campaigns['cash-loan'] = cash?.id as string;
    const car = await createCampaign(db.prisma, {
      tenantId,
      slug: 'car-loan',
      name: 'Car loan',
      timeZone: 'Europe/Warsaw',
      agentGroups: ['backup'],
    });
    campaigns['car-loan'] = car.id;
    agents.anna = await addAgent(db.sql, tenantId, 'anna', 'Anna', ['sales']);
    agents.bartek = await addAgent(db.sql, tenantId, 'bartek', 'Bartek', ['backup']);
    for (const [name, lines] of Object.entries(STATES))
      for (const [time, state, reason] of lines)
        await moveAgent(db.sql, agents[name] as string, state, at(time), reason);

    const contacts = [...SHIFT_CONTACTS, ...NPS_CONTACTS];
    for (const [n, contact] of contacts.entries()) {
      const added = await addAttempt(
        db.sql,
        tenantId,
        campaigns[contact.campaign] as string,
        agents[contact.agent] as string,
        contact,
        n,
      );
      attempts.push(added.attemptId);
      dispositioned.push(added.event);
    }
    // The person of the first contact wrote in Polish.
    const firstLead = dispositioned[0]?.payload.leadId as string;
    await db.sql.query(
      `INSERT INTO intent_event (tenant_id, event_id, campaign_id, type, body_sha256, raw_body, occurred_at, received_at, lead_id)
       VALUES ($1, 'evt-pl', $2, 'loan_eligibility_checked', 'x', $3, $4, $4, $5)`,
      [
        tenantId,
        campaigns['cash-loan'],
        JSON.stringify({ person: { phone: '+48601000000', locale: 'pl-PL' } }),
        at('08:00'),
        firstLead,
      ],
    );
    // A dial nobody answered: no contact, and its (unlikely) disposition asks nobody.
    const missed = await addAttempt(
      db.sql,
      tenantId,
      campaigns['cash-loan'] as string,
      agents.bartek,
      null,
      99,
    );
    dispositioned.push(missed.event);

    // Another tenant, busy the same morning: none of it may show.
    const other = await createTenant(db.prisma, { slug: 'other-bank', name: 'Other Bank' });
    const otherCampaign = await createCampaign(db.prisma, {
      tenantId: other.id,
      slug: 'cash-loan',
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
      agentGroups: ['sales'],
    });
    const otherAgent = await addAgent(db.sql, other.id, 'olga', 'Olga', ['sales']);
    await moveAgent(db.sql, otherAgent, 'available', at('08:00'));
    await moveAgent(db.sql, otherAgent, 'on_call', at('08:20'));
    await moveAgent(db.sql, otherAgent, 'available', at('08:50'));
    const elsewhere = await addAttempt(
      db.sql,
      other.id,
      otherCampaign.id,
      otherAgent,
      { ...(SHIFT_CONTACTS[0] as Contact), bridged: at('08:20'), ended: at('08:50'), released: at('08:50') },
      200,
    );
    dispositioned.push(elsewhere.event);

    await bus.publish('lead-events', dispositioned);
    await eventually(caughtUp('reporting', 'lead-events'), 'every dispositioned lead event is reported');
    await eventually(caughtUp('surveys', 'lead-events'), 'every dispositioned lead event is handled');
    otherSurveyId = (await surveyOf(elsewhere.attemptId)).id;
  }, 60_000);

  afterAll(async () => {
    await sender?.close();
    await reporting?.stop();
    await surveys?.stop();
    await bus?.close();
    await harness?.close();
  });

  it('gives each agent exact contacts, sales, talk, handle, login and occupancy per hour of login', async () => {
    const report = await get(`${SHIFT}&groupBy=agent`);
    const { anna, bartek } = byAgent(report);
    expect(report.slices).toHaveLength(2);
    // Anna: logged in 08:00-10:00 (2 h, 30 min of it paused); busy 390 + 740 s of 5400 s ready.
    expect(anna).toMatchObject({
      key: agents.anna,
      label: 'Anna',
      contacts: 2,
      contactsPerHour: 1,
      sales: 2,
      salesPerHour: 1,
      averageSaleValue: 2000,
      currency: 'PLN',
      talkSeconds: 900,
      handleSeconds: 1080,
      averageHandleSeconds: 540,
      loginSeconds: 7200,
      occupancy: 1130 / 5400,
    });
    // Bartek: available from 08:30 and still is at 11:00, so the period's end (10:30) cuts him off.
    expect(bartek).toMatchObject({
      key: agents.bartek,
      label: 'Bartek',
      contacts: 2,
      contactsPerHour: 1,
      sales: 1,
      salesPerHour: 0.5,
      averageSaleValue: 500,
      talkSeconds: 840,
      handleSeconds: 930,
      loginSeconds: 7200,
      occupancy: 1040 / 7200,
    });
    expect(report.totals).toMatchObject({
      contacts: 4,
      contactsPerHour: 1,
      sales: 3,
      salesPerHour: 0.75,
      averageSaleValue: 1500,
      currency: 'PLN',
      talkSeconds: 1740,
      handleSeconds: 2010,
      averageHandleSeconds: 502.5,
      loginSeconds: 14_400,
      occupancy: 2170 / 12_600,
    });
  });

  it("slices groups by their agents' time and campaigns by the agents of their groups", async () => {
    const byGroup = await get(`${SHIFT}&groupBy=group`);
    expect(byGroup.slices.map((s: { key: string }) => s.key)).toEqual(['backup', 'sales']);
    expect(byGroup.slices[0]).toMatchObject({
      contacts: 2,
      sales: 1,
      loginSeconds: 7200,
      occupancy: 1040 / 7200,
    });
    expect(byGroup.slices[1]).toMatchObject({ contacts: 2, sales: 2, loginSeconds: 7200, salesPerHour: 1 });

    const byCampaign = await get(`${SHIFT}&groupBy=campaign`);
    const [car, cash] = byCampaign.slices;
    expect([car.key, cash.key]).toEqual(['car-loan', 'cash-loan']);
    // cash-loan is served by both groups: both agents' time; car-loan by backup: Bartek's.
    expect(cash).toMatchObject({
      contacts: 3,
      sales: 3,
      averageSaleValue: 1500,
      talkSeconds: 1500,
      handleSeconds: 1710,
      loginSeconds: 14_400,
      contactsPerHour: 0.75,
      salesPerHour: 0.75,
      occupancy: 2170 / 12_600,
    });
    expect(car).toMatchObject({
      contacts: 1,
      sales: 0,
      averageSaleValue: null,
      currency: null,
      talkSeconds: 240,
      handleSeconds: 300,
      loginSeconds: 7200,
      contactsPerHour: 0.5,
      salesPerHour: 0,
    });
    // One campaign: its contacts only, the time of the agents of its groups.
    const carOnly = await get(`${SHIFT}&campaign=car-loan&groupBy=agent`);
    expect(carOnly.slices.map((s: { key: string }) => s.key)).toEqual([agents.bartek]);
    expect(carOnly.totals).toMatchObject({ contacts: 1, loginSeconds: 7200 });
  });

  it('clips calls and state spans to a period that cuts them', async () => {
    const report = await get(`from=${at('08:12')}&to=${at('09:45')}&groupBy=agent`);
    const { anna, bartek } = byAgent(report);
    // Anna's first call was bridged at 08:10:30: 210 s of it fall in the period, and its 60 s wrap-up.
    // Her second call ends after 09:45: not a contact of this period, though its time counts as busy.
    expect(anna).toMatchObject({
      contacts: 1,
      talkSeconds: 210,
      handleSeconds: 270,
      loginSeconds: 5580,
      occupancy: 570 / 3780,
    });
    expect(bartek).toMatchObject({ contacts: 2, talkSeconds: 840, handleSeconds: 930, loginSeconds: 4500 });
  });

  it('asks for a score once per contacted attempt, even when the lead event comes again', async () => {
    await bus.publish('lead-events', [
      ...dispositioned,
      ...dispositioned.map((event) => ({ ...event, id: randomUUID() })),
    ]);
    await eventually(caughtUp('surveys', 'lead-events'), 'the copies are handled');
    const [counts] = await harness.db.sql.query<{ surveys: number; outbox: number }>(
      `SELECT (SELECT count(*)::int FROM survey WHERE tenant_id = $1) AS surveys,
              (SELECT count(*)::int FROM outbox WHERE topic = 'survey-requests') AS outbox`,
      [harness.tenantId],
    );
    // 4 shift contacts, 10 on the NPS day; not the do-not-call one, not the dial nobody answered.
    expect(counts).toEqual({ surveys: 14, outbox: 15 });
    await eventually(async () => asked.length >= 15, 'the questions are published');
    await eventually(caughtUp('survey-sender', 'survey-requests'), 'the questions are read');
    expect(asked).toHaveLength(15);
    expect(new Set(asked.map((m) => m.payload.attemptId)).size).toBe(15);
    const first = asked.find((m) => m.payload.attemptId === attempts[0]);
    expect(first?.payload).toMatchObject({
      campaign: 'cash-loan',
      agentId: agents.anna,
      phone: '+48601000000',
      locale: 'pl-PL',
      respondUrl: `/v1/surveys/${first?.payload.surveyId}/responses`,
      expiresAt: new Date(Date.parse(SHIFT_CONTACTS[0]?.released as string) + 7 * 86_400_000).toISOString(),
    });
    expect(first?.payload.question).toMatch(/^Jak bardzo prawdopodobne.*Acme Bank/);
    const english = asked.find((m) => m.payload.attemptId === attempts[1]);
    expect(english?.payload).toMatchObject({ locale: 'en' });
    expect(english?.payload.question).toMatch(/^How likely are you to recommend Acme Bank/);
  });

  it('records a reply once: 201, the same again 200, another score 409', async () => {
    const survey = await surveyOf(attempts[0] as string);
    const first = await respond(survey.id, { score: 10, comment: 'Szybko i konkretnie' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      surveyId: survey.id,
      attemptId: attempts[0],
      agentId: agents.anna,
      campaign: 'cash-loan',
      score: 10,
      category: 'promoter',
      comment: 'Szybko i konkretnie',
      answeredAt: new Date(harness.clock.ms).toISOString(),
    });
    // The very same signed request again (captured, or resent without signing anew) is refused as a replay.
    const replayed = await respond(survey.id, { score: 10, comment: 'Szybko i konkretnie' });
    expect(replayed.statusCode).toBe(409);
    expect(replayed.json()).toMatchObject({ status: 409, type: '/problems/replayed-request' });
    const again = await respond(survey.id, { score: 10 });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const other = await respond(survey.id, { score: 3 });
    expect(other.statusCode).toBe(409);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json()).toMatchObject({ status: 409, type: '/problems/survey-already-answered' });
  });

  it("refuses an unknown or another tenant's survey (404) and a bad score or comment (400)", async () => {
    for (const id of [otherSurveyId, randomUUID(), 'not-a-survey']) {
      const response = await respond(id, { score: 9 });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const survey = await surveyOf(attempts[3] as string);
    for (const score of [11, -1, 7.5, '9']) {
      const response = await respond(survey.id, { score });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([expect.objectContaining({ field: 'score' })]);
    }
    const long = await respond(survey.id, { score: 9, comment: 'x'.repeat(1001) });
    expect(long.json().errors).toEqual([expect.objectContaining({ field: 'comment' })]);
  });

  it('gives NPS per campaign and agent: 5 promoters, 2 passives, 3 detractors is 20', async () => {
    // The replies come the next day (the clock only moves forward: the rate limiter follows it).
    harness.clock.ms = Date.parse(at('13:00', NEXT_DAY));
    for (const [n, [, score]] of NPS_SCORES.entries()) {
      if (score === null) continue;
      const survey = await surveyOf(attempts[SHIFT_CONTACTS.length + n] as string);
      const reply = await respond(survey.id, { score, respondedAt: at('12:00', NEXT_DAY) });
      expect(reply.statusCode).toBe(201);
      expect(reply.json().answeredAt).toBe(at('12:00', NEXT_DAY));
    }
    const day = `from=${at('00:00', NEXT_DAY)}&to=${at('00:00', NEXT_DAY + 86_400_000)}`;
    const byCampaign = await get(`${day}&groupBy=campaign`);
    expect(byCampaign.totals).toMatchObject({
      contacts: 11,
      surveysRequested: 10,
      surveysAnswered: 10,
      promoters: 5,
      passives: 2,
      detractors: 3,
      nps: 20,
    });
    // Bartek is still available: car-loan (his group's) has his time that day, and no contact.
    expect(byCampaign.slices).toEqual([
      expect.objectContaining({ key: 'car-loan', contacts: 0, nps: null }),
      expect.objectContaining({ key: 'cash-loan', contacts: 11, nps: 20 }),
    ]);
    // Anna: 5 promoters, 1 detractor of 6; Bartek: 2 passives, 2 detractors of 4.
    const agentsThatDay = byAgent(await get(`${day}&groupBy=agent`));
    expect([agentsThatDay.anna?.nps, agentsThatDay.bartek?.nps]).toEqual([((5 - 1) * 100) / 6, -50]);
    // The shift's only answer so far: Anna's promoter.
    const shift = byAgent(await get(`${SHIFT}&groupBy=agent`));
    expect([shift.anna?.nps, shift.bartek?.nps]).toEqual([100, null]);
  });

  it("never shows another tenant's contacts, time or surveys", async () => {
    const report = await get(`${SHIFT}&groupBy=campaign`);
    expect(report.totals).toMatchObject({ contacts: 4, loginSeconds: 14_400, surveysRequested: 4 });
    expect(report.slices.map((s: { key: string }) => s.key)).toEqual(['car-loan', 'cash-loan']);
  });

  it('names the field of a bad query (problem+json) and needs a signature', async () => {
    const missing = await harness.send('GET', '/v1/reports/kpis?to=2026-03-31');
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: 'from' })]);
    const groupBy = await harness.send('GET', `/v1/reports/kpis?${SHIFT}&groupBy=hour`);
    expect(groupBy.statusCode).toBe(400);
    expect(JSON.stringify(groupBy.json().errors)).toContain('groupBy');
    const unsigned = await harness.app.inject({ method: 'GET', url: `/v1/reports/kpis?${SHIFT}` });
    expect(unsigned.statusCode).toBe(401);
  });

  it('refuses a reply more than 7 days after the question (410)', async () => {
    const survey = await surveyOf(attempts[3] as string);
    harness.clock.ms = survey.requested_at.getTime() + 7 * 86_400_000 + 1000;
    const late = await respond(survey.id, { score: 9 });
    expect(late.statusCode).toBe(410);
    expect(late.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(late.json()).toMatchObject({ status: 410, type: '/problems/survey-expired' });
  });
});
