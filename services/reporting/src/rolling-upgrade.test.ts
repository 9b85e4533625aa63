import { randomUUID } from 'node:crypto';
import { compileValidator, LeadEventV1, type LeadFact, type LeadStatus } from '@pronto/contracts';
import { leadEventMessages } from '@pronto/leads';
import { foldLeadFact, type ReportRow } from '@pronto/sla';
import { describe, expect, it } from 'vitest';
import { leadFactOf } from './start-reporting.ts';

/**
 * During a rolling upgrade the reporting consumer on the new code reads lead.event messages from
 * producers on the old code, whose `event` was any string and `detail` any record: it must accept
 * them and report them exactly as it reports the typed messages of the new producers.
 */
const validator = compileValidator(LeadEventV1.schema);
const lead = { id: randomUUID(), tenant_id: randomUUID(), campaign_id: randomUUID() };
const attemptId = randomUUID();
const agentId = randomUUID();
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));

const lifecycle: [number, LeadStatus, LeadFact][] = [
  [
    0,
    'queued',
    { type: 'scored', detail: { score: 70, factors: [], zone: 'Europe/Warsaw', zoneSource: 'lead' } },
  ],
  [
    0,
    'queued',
    {
      type: 'queued',
      detail: {
        zone: 'Europe/Warsaw',
        clock: 'calendar',
        anchorAt: at(0).toISOString(),
        dueAt: at(5).toISOString(),
      },
    },
  ],
  [
    1,
    'offered',
    {
      type: 'offered',
      detail: {
        attemptId,
        agentId,
        group: 'sales',
        overflow: false,
        slackSeconds: 240,
        offerExpiresAt: at(2).toISOString(),
      },
    },
  ],
  [2, 'dialing', { type: 'dialing', detail: { attemptId, agentId, attemptNumber: 1 } }],
  [
    3,
    'contacted',
    {
      type: 'contacted',
      detail: { attemptId, agentId, at: at(3).toISOString(), firstContact: true, met: true },
    },
  ],
  [
    9,
    'contacted',
    { type: 'call_ended', detail: { attemptId, agentId, outcome: 'contacted', cause: 'Normal Clearing' } },
  ],
  [10, 'dispositioned', { type: 'dispositioned', detail: { attemptId, agentId, code: 'sale', value: 100 } }],
];

/** The messages as the producers on the new code write them (@pronto/leads). */
const typed = lifecycle.flatMap(([minute, status, fact], i) =>
  leadEventMessages({ lead, version: i + 2, status, facts: [fact] }, at(minute)).map(
    (entry) => entry.message,
  ),
);

/** The same facts as the old code wrote them: the same fields, untyped. */
function oldShape(
  minute: number,
  version: number,
  status: string,
  event: string,
  detail: Record<string, unknown>,
) {
  return {
    type: 'lead.event',
    version: 1,
    id: randomUUID(),
    occurredAt: at(minute).toISOString(),
    key: lead.id,
    payload: {
      leadId: lead.id,
      tenantId: lead.tenant_id,
      campaignId: lead.campaign_id,
      leadVersion: version,
      event,
      at: at(minute).toISOString(),
      status,
      detail,
    },
  };
}

/** The reporting consumer's path: the contract's check, then the fold (as start-reporting.ts does). */
function report(messages: readonly unknown[]): ReportRow | undefined {
  let row: ReportRow | undefined;
  for (const message of messages) {
    const checked = validator.validate(message);
    if (!checked.ok) throw new Error(`refused: ${JSON.stringify(checked.errors)}`);
    row = foldLeadFact(row, leadFactOf(checked.value.payload));
  }
  return row;
}

/** The fold alone, on the raw messages: what the consumer on the old code reported. */
function reportedBefore(messages: readonly ReturnType<typeof oldShape>[]): ReportRow | undefined {
  let row: ReportRow | undefined;
  for (const { payload } of messages) row = foldLeadFact(row, { ...payload, at: new Date(payload.at) });
  return row;
}

describe('lead.event v1 during a rolling upgrade', () => {
  it('reports the messages of the old producers as the typed messages of the new ones', () => {
    const old = lifecycle.map(([minute, status, fact], i) =>
      oldShape(minute, i + 2, status, fact.type, fact.detail as Record<string, unknown>),
    );
    const fromNew = report(typed);
    expect(fromNew?.contactedAt).toEqual(at(3));
    expect(report(old)).toEqual(fromNew);
    expect(reportedBefore(old)).toEqual(fromNew);
  });

  it('reads an old message that lacks fields the typed detail has, and one a newer producer named', () => {
    const old = [
      // Written before the queueing carried its clock and zone, and an offer without its attempt.
      oldShape(0, 2, 'queued', 'queued', { anchorAt: at(0).toISOString(), dueAt: at(5).toISOString() }),
      oldShape(1, 3, 'offered', 'offered', { agentId, group: 'sales' }),
      oldShape(2, 4, 'dialing', 'dialing', { attemptId, agentId, attemptNumber: 1 }),
      // A fact this version does not know: accepted, and no figure depends on it.
      oldShape(3, 5, 'dialing', 'transferred', { to: 'someone else' }),
    ];
    const row = report(old);
    expect(row).toEqual(reportedBefore(old));
    expect(row?.dueAt).toEqual(at(5));
    expect(row?.firstAttemptId).toBe(attemptId);
    expect(row?.timeZone).toBeNull();
  });
});
