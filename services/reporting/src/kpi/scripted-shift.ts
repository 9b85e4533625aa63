import { randomUUID } from 'node:crypto';
import type { Disposition, LeadEventV1 } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';

/** The scripted shift of the KPI test: two agents' states and contacts, with known answers. */
/** The scripted shift: Monday 30 March 2026 (UTC times); the NPS day is the next one. */
export const DAY = Date.UTC(2026, 2, 30);
export const at = (clock: string, day = DAY) => {
  const [h = 0, m = 0, s = 0] = clock.split(':').map(Number);
  return new Date(day + ((h * 60 + m) * 60 + s) * 1000).toISOString();
};
export const NEXT_DAY = DAY + 86_400_000;
export const SHIFT = `from=${at('08:00')}&to=${at('10:30')}`;

export interface Contact {
  agent: 'anna' | 'bartek';
  campaign: 'cash-loan' | 'car-loan';
  group: string;
  bridged: string;
  ended: string;
  released: string;
  disposition: Disposition;
}

/**
 * Anna (group sales) and Bartek (group backup). cash-loan is served by sales then backup, car-loan
 * by backup. Each line is [time, state] in order; the agents start offline.
 */
export const STATES: Record<'anna' | 'bartek', [string, string, string?][]> = {
  anna: [
    ['08:00', 'available'],
    ['08:10', 'offered'],
    ['08:10:10', 'dialing'],
    ['08:10:30', 'on_call'],
    ['08:15:30', 'wrap_up'],
    ['08:16:30', 'available'],
    ['09:00', 'paused', 'lunch'],
    ['09:30', 'available'],
    ['09:40', 'offered'],
    ['09:40:10', 'dialing'],
    ['09:40:20', 'on_call'],
    ['09:50:20', 'wrap_up'],
    ['09:52:20', 'available'],
    ['10:00', 'offline'],
  ],
  bartek: [
    ['08:30', 'available'],
    ['08:40', 'offered'],
    ['08:40:10', 'dialing'],
    ['08:40:40', 'on_call'],
    ['08:44:40', 'wrap_up'],
    ['08:45:40', 'available'],
    ['09:00', 'offered'],
    ['09:00:10', 'dialing'],
    ['09:00:30', 'on_call'],
    ['09:10:30', 'wrap_up'],
    ['09:11', 'available'],
    // A dial nobody answered: busy for 40 s, no contact.
    ['10:00', 'offered'],
    ['10:00:10', 'dialing'],
    ['10:00:40', 'available'],
    // ... and still available at 11:00 (the open span).
  ],
};

const sale = (value: number): Disposition => ({ code: 'sale', value, currency: 'PLN' });
export const SHIFT_CONTACTS: Contact[] = [
  // Anna: talk 300 + 600 s, wrap-up 60 + 120 s, two sales.
  {
    agent: 'anna',
    campaign: 'cash-loan',
    group: 'sales',
    bridged: at('08:10:30'),
    ended: at('08:15:30'),
    released: at('08:16:30'),
    disposition: sale(1000),
  },
  {
    agent: 'anna',
    campaign: 'cash-loan',
    group: 'sales',
    bridged: at('09:40:20'),
    ended: at('09:50:20'),
    released: at('09:52:20'),
    disposition: sale(3000),
  },
  // Bartek: talk 240 + 600 s, wrap-up 60 + 30 s, one sale.
  {
    agent: 'bartek',
    campaign: 'car-loan',
    group: 'backup',
    bridged: at('08:40:40'),
    ended: at('08:44:40'),
    released: at('08:45:40'),
    disposition: { code: 'not_interested' },
  },
  {
    agent: 'bartek',
    campaign: 'cash-loan',
    group: 'backup',
    bridged: at('09:00:30'),
    ended: at('09:10:30'),
    released: at('09:11:00'),
    disposition: sale(500),
  },
];

/** The NPS day: ten answered contacts (5 promoters, 2 passives, 3 detractors) and one do-not-call. */
export const NPS_SCORES: ['anna' | 'bartek', number | null][] = [
  ['anna', 10],
  ['anna', 10],
  ['anna', 9],
  ['anna', 9],
  ['anna', 9],
  ['anna', 0],
  ['bartek', 8],
  ['bartek', 7],
  ['bartek', 6],
  ['bartek', 3],
  ['bartek', null],
];
export const NPS_CONTACTS: Contact[] = NPS_SCORES.map(([agent, score], n) => ({
  agent,
  campaign: 'cash-loan',
  group: agent === 'anna' ? 'sales' : 'backup',
  bridged: at(`09:${String(n * 2).padStart(2, '0')}`, NEXT_DAY),
  ended: at(`09:${String(n * 2 + 1).padStart(2, '0')}`, NEXT_DAY),
  released: at(`09:${String(n * 2 + 1).padStart(2, '0')}:30`, NEXT_DAY),
  disposition: score === null ? { code: 'do_not_call' } : { code: 'other' },
}));

export async function addAgent(
  sql: SqlQueryable,
  tenantId: string,
  username: string,
  name: string,
  groups: string[],
) {
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO agent (tenant_id, username, display_name, password_hash, groups, state, state_since)
     VALUES ($1, $2, $3, 'not-a-hash', $4::text[], 'offline', $5) RETURNING id::text`,
    [tenantId, username, name, groups, at('07:00')],
  );
  return row?.id as string;
}
/** As the dispatcher does: the state and its start change together; the trigger keeps the history. */
export async function moveAgent(
  sql: SqlQueryable,
  agentId: string,
  state: string,
  since: string,
  pauseReason: string | null = null,
) {
  await sql.query(
    'UPDATE agent SET state = $2, state_since = $3, pause_reason = $4, version = version + 1 WHERE id = $1',
    [agentId, state, since, pauseReason],
  );
}
export async function addAttempt(
  sql: SqlQueryable,
  tenantId: string,
  campaignId: string,
  agentId: string,
  contact: Contact | null,
  n: number,
) {
  const [lead] = await sql.query<{ id: string }>(
    `INSERT INTO lead (tenant_id, campaign_id, phone_e164, status, received_at, last_intent_at, updated_at)
     VALUES ($1, $2, $3, 'dispositioned', $4, $4, $4) RETURNING id::text`,
    [tenantId, campaignId, `+4860${String(1_000_000 + n)}`, contact?.bridged ?? at('10:00')],
  );
  const leadId = lead?.id as string;
  const [attempt] = await sql.query<{ id: string }>(
    contact
      ? `INSERT INTO attempt (lead_id, agent_id, campaign_id, agent_group, stage, queued_at, offered_at, dialed_at,
                              answered_at, bridged_at, ended_at, released_at, outcome, disposition)
         VALUES ($1, $2, $3, $4, 'ended', $5, $5, $5, $5, $5, $6, $7, 'contacted', $8::jsonb) RETURNING id::text`
      : `INSERT INTO attempt (lead_id, agent_id, campaign_id, agent_group, stage, queued_at, offered_at, dialed_at,
                              ended_at, released_at, outcome)
         VALUES ($1, $2, $3, 'backup', 'ended', $4, $4, $4, $5, $5, 'no_answer') RETURNING id::text`,
    contact
      ? [
          leadId,
          agentId,
          campaignId,
          contact.group,
          contact.bridged,
          contact.ended,
          contact.released,
          JSON.stringify(contact.disposition),
        ]
      : [leadId, agentId, campaignId, at('10:00'), at('10:00:40')],
  );
  const attemptId = attempt?.id as string;
  const event: LeadEventV1 = {
    type: 'lead.event',
    version: 1,
    id: randomUUID(),
    occurredAt: contact?.released ?? at('10:00:40'),
    key: leadId,
    payload: {
      leadId,
      tenantId,
      campaignId,
      leadVersion: 9,
      event: 'dispositioned',
      at: contact?.released ?? at('10:00:40'),
      status: 'dispositioned',
      detail: { attemptId, agentId, ...(contact?.disposition ?? { code: 'other' }) },
    },
  };
  return { leadId, attemptId, event };
}
