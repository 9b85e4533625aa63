import { describe, expect, it } from 'vitest';
import { breachReason, foldLeadFact, type LeadFact, leadResult, type ReportRow } from './fold-lead-fact.ts';

const ANCHOR = Date.UTC(2026, 2, 30, 6, 0, 0);
const at = (seconds: number) => new Date(ANCHOR + seconds * 1000);

/** Folds [seconds after the anchor, event, detail] facts of one lead, queued with a 300 s SLA. */
function fold(...facts: [number, string, Record<string, unknown>?][]): ReportRow {
  const all: [number, string, Record<string, unknown>?][] = [
    [0, 'queued', { zone: 'Europe/Warsaw', anchorAt: at(0).toISOString(), dueAt: at(300).toISOString() }],
    ...facts,
  ];
  let row: ReportRow | undefined;
  for (const [seconds, event, detail] of all) {
    const fact: LeadFact = {
      leadId: 'lead-1',
      tenantId: 't',
      campaignId: 'c',
      event,
      at: at(seconds),
      detail: detail ?? {},
    };
    row = foldLeadFact(row, fact);
  }
  if (!row) throw new Error('no reported fact');
  return row;
}

const dial = (
  seconds: number,
  attemptId: string,
  group = 'sales',
): [number, string, Record<string, unknown>][] => [
  [seconds - 5, 'offered', { attemptId, agentId: 'agent-a', group }],
  [seconds, 'dialing', { attemptId, agentId: 'agent-a' }],
];

describe('a lead folded from its facts', () => {
  it('contacted by the due time is met, with the contact agent, group and times', () => {
    const row = fold(...dial(30, 'a1'), [
      60,
      'contacted',
      { attemptId: 'a1', agentId: 'agent-a', at: at(60).toISOString() },
    ]);
    expect(row).toMatchObject({
      firstAttemptAt: at(30),
      contactedAt: at(60),
      contactGroup: 'sales',
      timeZone: 'Europe/Warsaw',
    });
    expect(leadResult(row, at(1000))).toBe('met');
  });

  it('contacted after the due time is breached, and counts as a contact', () => {
    const row = fold(...dial(400, 'a1'), [420, 'contacted', { attemptId: 'a1', agentId: 'agent-a' }]);
    expect(leadResult(row, at(1000))).toBe('breached');
    expect(row.contactedAt).toEqual(at(420));
    expect(breachReason(row)).toBe('no_agent_available');
  });

  it('undecided until the due time passes', () => {
    const row = fold(...dial(30, 'a1'), [50, 'call_ended', { attemptId: 'a1', outcome: 'no_answer' }]);
    expect(leadResult(row, at(299))).toBe('open');
    expect(leadResult(row, at(301))).toBe('breached');
  });

  it.each([
    ['no dial, nothing else', [], 'no_agent_available'],
    [
      'the calling window held the dial back',
      [[10, 'dial_blocked', { gate: 'outside_window' }]],
      'outside_window',
    ],
    [
      'an agent let the offer time out',
      [[20, 'offer_missed', { attemptId: 'a1', why: 'offer_timeout' }]],
      'agent_missed_offer',
    ],
    [
      'every dial unanswered',
      [
        ...dial(30, 'a1'),
        [60, 'call_ended', { attemptId: 'a1', outcome: 'no_answer' }],
        ...dial(200, 'a2'),
        [230, 'call_ended', { attemptId: 'a2', outcome: 'busy' }],
      ],
      'no_answer_all_attempts',
    ],
    [
      'the last dial failed in telephony',
      [...dial(30, 'a1'), [31, 'call_ended', { attemptId: 'a1', outcome: 'failed' }]],
      'dialer_error',
    ],
    [
      'still ringing at the due time',
      [...dial(290, 'a1'), [320, 'call_ended', { attemptId: 'a1', outcome: 'no_answer' }]],
      'no_answer_all_attempts',
    ],
    [
      'dialed only after the due time',
      [[100, 'dial_blocked', { gate: 'outside_window' }], ...dial(400, 'a1')],
      'outside_window',
    ],
  ] as [string, [number, string, Record<string, unknown>][], string][])(
    'breach reason: %s -> %s',
    (_name, facts, reason) => {
      const row = fold(...facts);
      expect(leadResult(row, at(1000))).toBe('breached');
      expect(breachReason(row)).toBe(reason);
    },
  );

  it.each(['agent_phone_no_answer', 'agent_phone_rejected'])(
    'an agent whose own phone missed the call (%s) dialed no one: no first attempt, a missed offer',
    (why) => {
      const row = fold(
        ...dial(30, 'a1'),
        [60, 'call_ended', { attemptId: 'a1', outcome: 'agent_missed' }],
        [60, 'offer_missed', { attemptId: 'a1', agentId: 'agent-a', why }],
      );
      expect(row).toMatchObject({ firstAttemptAt: null, dialsBeforeDue: 0, missedOfferBeforeDue: true });
      expect(breachReason(row)).toBe('agent_missed_offer');
    },
  );

  it('suppressed leads are not judged, also when suppressed after queueing (invalid number, DNC at the dial)', () => {
    expect(leadResult(fold([0, 'suppressed', { reason: 'no_consent' }]), at(1000))).toBe('suppressed');
    expect(fold(...dial(30, 'a1'), [40, 'suppressed', { reason: 'invalid_number' }]).suppressionReason).toBe(
      'invalid_number',
    );
    expect(fold([10, 'dial_blocked', { gate: 'dnc' }]).suppressionReason).toBe('dnc');
  });
});
