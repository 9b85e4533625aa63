import type { SqlQueryable } from '@pronto/db';
import { labelAgentSlices, periodParams, reportHeading } from '@pronto/sla';
import { contactFiguresSql, type KpiGroupBy, presenceFiguresSql } from './kpi-sql.ts';
import { netPromoterScore } from './net-promoter-score.ts';

export interface KpiQuery {
  tenantId: string;
  /** The period [from, to): contacts whose call ended in it; time spent in it. */
  from: Date;
  to: Date;
  /** A campaign's slug; all the tenant's campaigns when absent. */
  campaign?: string;
  groupBy: KpiGroupBy;
  now: Date;
}

export interface KpiFigures {
  contacts: number;
  /** Per login hour; null without login time. */
  contactsPerHour: number | null;
  sales: number;
  salesPerHour: number | null;
  /** Mean value of the sales that have one; null with none, or with sales in several currencies. */
  averageSaleValue: number | null;
  currency: string | null;
  talkSeconds: number;
  handleSeconds: number;
  averageHandleSeconds: number | null;
  loginSeconds: number;
  /** Busy time (offered, dialing, on_call, wrap_up) / ready time (the same and available). */
  occupancy: number | null;
  surveysRequested: number;
  surveysAnswered: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters - % detractors of the answered surveys; null with none. */
  nps: number | null;
}

export interface KpiSlice extends KpiFigures {
  /** The agent's id, the group, or the campaign's slug; null: contacts with no group. */
  key: string | null;
  /** The agent's name (groupBy=agent). */
  label?: string;
}

export interface KpiReport {
  from: string;
  to: string;
  campaign: string | null;
  groupBy: KpiGroupBy;
  generatedAt: string;
  totals: KpiFigures;
  slices: KpiSlice[];
}

interface ContactRow {
  slice: string | null;
  total: boolean;
  contacts: number;
  sales: number;
  average_sale: number | null;
  currencies: number;
  currency: string | null;
  talk: number;
  handle: number;
  surveys_requested: number;
  surveys_answered: number;
  promoters: number;
  passives: number;
  detractors: number;
}

interface PresenceRow {
  slice: string | null;
  total: boolean;
  login: number;
  busy: number;
  ready: number;
}

const NO_CONTACTS: Omit<ContactRow, 'slice' | 'total'> = {
  contacts: 0,
  sales: 0,
  average_sale: null,
  currencies: 0,
  currency: null,
  talk: 0,
  handle: 0,
  surveys_requested: 0,
  surveys_answered: 0,
  promoters: 0,
  passives: 0,
  detractors: 0,
};
const NO_PRESENCE = { login: 0, busy: 0, ready: 0 };

const perHour = (count: number, seconds: number) => (seconds > 0 ? (count * 3600) / seconds : null);

function figures(contact: Omit<ContactRow, 'slice' | 'total'>, presence: typeof NO_PRESENCE): KpiFigures {
  const contacts = Number(contact.contacts);
  const sales = Number(contact.sales);
  const login = Number(presence.login);
  const oneCurrency = Number(contact.currencies) <= 1;
  const handle = Number(contact.handle);
  const answered = Number(contact.surveys_answered);
  return {
    contacts,
    contactsPerHour: perHour(contacts, login),
    sales,
    salesPerHour: perHour(sales, login),
    averageSaleValue: oneCurrency && contact.average_sale !== null ? Number(contact.average_sale) : null,
    currency: oneCurrency ? contact.currency : null,
    talkSeconds: Number(contact.talk),
    handleSeconds: handle,
    averageHandleSeconds: contacts > 0 ? handle / contacts : null,
    loginSeconds: login,
    occupancy: Number(presence.ready) > 0 ? Number(presence.busy) / Number(presence.ready) : null,
    surveysRequested: Number(contact.surveys_requested),
    surveysAnswered: answered,
    promoters: Number(contact.promoters),
    passives: Number(contact.passives),
    detractors: Number(contact.detractors),
    nps: netPromoterScore(Number(contact.promoters), Number(contact.detractors), answered),
  };
}

/**
 * The call-centre KPIs of a tenant over a period, in total and per agent, agent group or campaign.
 *
 * Contacts, sales, talk, handle and NPS are the contacts' own: an attempt counts in the period its
 * call ended in, for the agent who held it, the group it was offered to (attempt.agent_group) and
 * its campaign. Login time and occupancy are the agents': an agent's time counts for the agent, for
 * each group it is in now (agent.groups: there is no history of membership), and for each campaign
 * one of those groups serves (campaign.agent_groups); an agent in two groups counts in both, once in
 * the totals. With a campaign, the agents are those of its groups, and their whole time counts
 * (time is not split between campaigns). Per-hour rates divide by login hours.
 */
export async function kpiReport(sql: SqlQueryable, query: KpiQuery): Promise<KpiReport> {
  const params = periodParams(query);
  const [contactRows, presenceRows] = await Promise.all([
    sql.query<ContactRow>(contactFiguresSql(query.groupBy), params),
    sql.query<PresenceRow>(presenceFiguresSql(query.groupBy), params),
  ]);
  const contactOf = new Map(contactRows.filter((row) => !row.total).map((row) => [row.slice, row]));
  const presenceOf = new Map(presenceRows.filter((row) => !row.total).map((row) => [row.slice, row]));
  const keys = [...new Set([...contactOf.keys(), ...presenceOf.keys()])].sort((a, b) =>
    a === null || b === null ? (a === b ? 0 : a === null ? 1 : -1) : a.localeCompare(b),
  );
  const slices: KpiSlice[] = keys.map((key) => ({
    key,
    ...figures(contactOf.get(key) ?? NO_CONTACTS, presenceOf.get(key) ?? NO_PRESENCE),
  }));
  if (query.groupBy === 'agent') await labelAgentSlices(sql, query.tenantId, slices);
  return {
    ...reportHeading(query),
    totals: figures(
      contactRows.find((row) => row.total) ?? NO_CONTACTS,
      presenceRows.find((row) => row.total) ?? NO_PRESENCE,
    ),
    slices,
  };
}
