import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlQueryable } from '@pronto/db';
import { exampleEvent, type Harness, phoneFor, startHarness } from '@pronto/ingest/testing';
import {
  BREACH_REASONS,
  breachReason,
  foldLeadFact,
  type LeadFact,
  leadResult,
  type ReportRow,
  SPEED_TO_LEAD_BUCKETS,
} from '@pronto/sla';
import { createCampaign, createTenant } from '@pronto/tenancy';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMetrics } from './metrics.ts';
import { saveRow } from './report-store.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  type: string;
  help: string | undefined;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)/y;
// As Go's ParseFloat reads it, which the format refers to: Inf and NaN in any case (prom-client writes Nan).
const VALUE = /^(?:[+-]?(?:inf|infinity)|nan|[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};
const unescapeLabel = (text: string) => text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
const seriesKey = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}}`;

/**
 * A strict reading of the Prometheus text format 0.0.4: every sample belongs to a family declared
 * by # TYPE before it, a family's samples are together, no series twice, histogram buckets
 * cumulative and ending in +Inf equal to _count. Throws on the first fault.
 */
function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the text does not end with a line feed');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  const familyOf = (name: string) => {
    const type = families.get(name)?.type;
    if (type && type !== 'histogram') return name;
    for (const [family, { type }] of families)
      if (SUFFIXES[type]?.some((suffix) => name === family + suffix)) return family;
    return undefined;
  };
  for (const [index, line] of text.slice(0, -1).split('\n').entries()) {
    const fail: (why: string) => never = (why) => {
      throw new Error(`line ${index + 1}: ${why}: ${line}`);
    };
    if (line.trim() === '') continue;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (!NAME.test(name)) fail('bad metric name');
      const family = families.get(name) ?? { type: '', help: undefined, samples: [] };
      if (family.samples.length > 0) fail(`${kind} after the family's samples`);
      if (kind === 'TYPE') {
        if (family.type) fail('a second TYPE');
        if (!TYPES.has(rest.trim())) fail('unknown type');
        family.type = rest.trim();
      } else {
        if (family.help !== undefined) fail('a second HELP');
        if (/\\[^\\n]/.test(rest)) fail('bad escape in HELP');
        family.help = unescapeLabel(rest);
      }
      families.set(name, family);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?$/.exec(line);
    if (!sample) fail('not a sample');
    const [, name = '', labelText = '', value = ''] = sample;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const start = LABEL.lastIndex;
      const match = LABEL.exec(labelText);
      if (!match || match.index !== start) fail('bad labels');
      const [, key = '', raw = ''] = match;
      if (key in labels) fail(`label ${key} twice`);
      labels[key] = unescapeLabel(raw);
    }
    if (!VALUE.test(value)) fail('bad value');
    const family = familyOf(name);
    if (!family || !families.get(family)?.type) fail('a sample with no # TYPE before it');
    if (family !== current) {
      if (closed.has(family)) fail("the family's samples are not together");
      if (current) closed.add(current);
      current = family;
    }
    const key = seriesKey(name, labels);
    if (seen.has(key)) fail('a series twice');
    seen.add(key);
    const parsed = /inf/i.test(value) ? (value.startsWith('-') ? -Infinity : Infinity) : Number(value);
    families.get(family)?.samples.push({ name, labels, value: parsed });
  }
  for (const [name, family] of families) if (family.type === 'histogram') checkHistogram(name, family);
  return families;
}

function checkHistogram(name: string, family: Family) {
  const series = new Map<string, { bounds: [number, number][]; count?: number }>();
  for (const { name: sampleName, labels, value } of family.samples) {
    const { le, ...rest } = labels;
    const entry = series.get(seriesKey(name, rest)) ?? { bounds: [] };
    series.set(seriesKey(name, rest), entry);
    if (sampleName === `${name}_bucket`) {
      if (le === undefined || !VALUE.test(le)) throw new Error(`${name}: a bucket without a valid le`);
      entry.bounds.push([le === '+Inf' ? Infinity : Number(le), value]);
    } else if (sampleName === `${name}_count`) entry.count = value;
  }
  for (const [key, { bounds, count }] of series) {
    const sorted = [...bounds].sort(([a], [b]) => a - b);
    sorted.forEach(([, value], i) => {
      if (i > 0 && value < (sorted[i - 1]?.[1] ?? 0)) throw new Error(`${key}: buckets are not cumulative`);
    });
    if (sorted.at(-1)?.[0] !== Infinity) throw new Error(`${key}: no +Inf bucket`);
    if (sorted.at(-1)?.[1] !== count) throw new Error(`${key}: +Inf is not _count`);
  }
}

/** Every series of the text by name{labels}, labels sorted: what a user reads off the page. */
function seriesOf(families: Map<string, Family>): Map<string, number> {
  const all = new Map<string, number>();
  for (const family of families.values())
    for (const sample of family.samples) all.set(seriesKey(sample.name, sample.labels), sample.value);
  return all;
}

/** promtool's answer, or undefined (and a note) when it is not installed. */
function runPromtool(args: string[], input?: string): { status: number | null; output: string } | undefined {
  const promtool = spawnSync('promtool', args, { input, encoding: 'utf8' });
  if ((promtool.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    console.info(
      `promtool is not on PATH: \`promtool ${args.join(' ')}\` was not run (Debian package prometheus)`,
    );
    return undefined;
  }
  return { status: promtool.status, output: `${promtool.stdout}${promtool.stderr}` };
}

interface Dashboard {
  schemaVersion: number;
  templating: { list: { name: string; type: string; query?: unknown }[] };
  panels: { title: string; targets: { refId: string; expr: string; datasource: { uid: string } }[] }[];
}
const dashboard = JSON.parse(
  readFileSync(new URL('../../../infra/grafana/pronto.json', import.meta.url), 'utf8'),
) as Dashboard;

/** A panel's query with the dashboard's variables filled in as Grafana would: every tenant, a 1h window. */
function panelQuery(title: string, refId = 'A'): string {
  const target = dashboard.panels
    .find((panel) => panel.title === title)
    ?.targets.find((t) => t.refId === refId);
  if (!target) throw new Error(`no query ${refId} in the panel ${title}`);
  return target.expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__range', '1h')
    .replaceAll('$window', '1h')
    .replaceAll('$tenant', '.*')
    .replaceAll('$campaign', '.*');
}

type Fact = [seconds: number, event: string, detail?: Record<string, unknown>];

const NOW = Date.UTC(2026, 2, 29, 0, 30, 0);
const SLA_SECONDS = 300;

/** A lead's facts, `seconds` after its anchor, folded into its report row and stored. */
async function storeLead(
  sql: SqlQueryable,
  owner: { tenantId: string; campaignId: string },
  anchor: number,
  facts: Fact[],
) {
  const leadId = randomUUID();
  const iso = (seconds: number) => new Date(anchor + seconds * 1000).toISOString();
  const queued: Fact = [0, 'queued', { anchorAt: iso(0), dueAt: iso(SLA_SECONDS) }];
  let row: ReportRow | undefined;
  for (const [seconds, event, detail = {}] of facts[0]?.[1] === 'suppressed' ? facts : [queued, ...facts]) {
    const fact: LeadFact = { leadId, ...owner, event, at: new Date(anchor + seconds * 1000), detail };
    row = foldLeadFact(row, fact);
  }
  await saveRow(sql, row as ReportRow);
  return row as ReportRow;
}

describe('GET /metrics', () => {
  let harness: Harness;
  let text: string;
  let series: Map<string, number>;
  const rows: ReportRow[] = [];
  const scrape = async (app = harness.app) => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    return response;
  };
  const read = async () => seriesOf(parsePrometheusText((await scrape()).body));

  beforeAll(async () => {
    harness = await startHarness();
    harness.clock.ms = NOW;
    const sql = harness.db.sql;
    await registerMetrics(harness.app, { sql, now: () => new Date(harness.clock.ms) });

    // Through the intake: three new people, one of them again, and one without consent.
    for (const n of [1, 2, 3, 1])
      await harness.send('POST', '/v1/events', exampleEvent({ person: { phone: phoneFor(n) } }));
    await harness.send(
      'POST',
      '/v1/events',
      exampleEvent({ person: { phone: phoneFor(4) }, consent: { phoneContact: false } }),
    );

    const [acmeCash] = await sql.query<{ id: string }>(
      `SELECT id::text FROM campaign WHERE tenant_id = $1 AND slug = 'cash-loan'`,
      [harness.tenantId],
    );
    const acme = { tenantId: harness.tenantId, campaignId: acmeCash?.id as string };
    await createCampaign(harness.db.prisma, {
      tenantId: acme.tenantId,
      slug: 'mortgage',
      name: 'Mortgage',
      timeZone: 'Europe/Warsaw',
    });
    const globexTenant = await createTenant(harness.db.prisma, { slug: 'globex', name: 'Globex' });
    const globexCash = await createCampaign(harness.db.prisma, {
      tenantId: globexTenant.id,
      slug: 'cash-loan',
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
    });
    const globex = { tenantId: globexTenant.id, campaignId: globexCash.id };
    await sql.query(
      `INSERT INTO intent_event (tenant_id, event_id, campaign_id, type, body_sha256, raw_body, occurred_at, received_at, result_status)
       VALUES ($1, 'evt-globex-1', $2, 'intent', 'x', '{}', $3, $3, 'accepted')`,
      [globex.tenantId, globex.campaignId, new Date(NOW).toISOString()],
    );

    // Leads waiting for an agent: three in acme's cash-loan, one at globex.
    const leads: [typeof acme, string][] = [
      [acme, 'queued'],
      [acme, 'queued'],
      [acme, 'waiting_retry'],
      [acme, 'dialing'],
      [acme, 'contacted'],
      [globex, 'queued'],
    ];
    for (const [n, [owner, status]] of leads.entries())
      await sql.query(
        `INSERT INTO lead (tenant_id, campaign_id, phone_e164, status, received_at, last_intent_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5, $5)`,
        [
          owner.tenantId,
          owner.campaignId,
          `+4869${String(1_000_000 + n)}`,
          status,
          new Date(NOW).toISOString(),
        ],
      );

    // The report rows: three met (one contacted at the due time itself), six breached (one per
    // reason, and one dialed after its due time), one still open, one suppressed; one met at globex.
    const hourAgo = NOW - 3_600_000;
    const dial = (seconds: number, attemptId: string): Fact[] => [
      [seconds - 5, 'offered', { attemptId, agentId: 'agent-1', group: 'sales' }],
      [seconds, 'dialing', { attemptId, agentId: 'agent-1' }],
    ];
    const contact = (seconds: number, attemptId: string): Fact => [
      seconds,
      'contacted',
      { attemptId, at: new Date(hourAgo + seconds * 1000).toISOString() },
    ];
    const scripts: [typeof acme, number, Fact[]][] = [
      [acme, hourAgo, [...dial(20, 'a1'), contact(40, 'a1')]],
      [acme, hourAgo, [...dial(100, 'a2'), contact(200, 'a2')]],
      [acme, hourAgo, [...dial(50, 'a3'), [80, 'call_ended', { attemptId: 'a3', outcome: 'no_answer' }]]],
      [acme, hourAgo, []],
      [acme, hourAgo, [[10, 'dial_blocked', { gate: 'outside_window' }]]],
      [acme, hourAgo, [...dial(700, 'a6'), contact(720, 'a6')]],
      [acme, NOW - 60_000, []],
      [acme, hourAgo, [[0, 'suppressed', { reason: 'dnc' }]]],
      [
        acme,
        hourAgo,
        [
          [5, 'offered', { attemptId: 'a9', agentId: 'agent-1', group: 'sales' }],
          [25, 'offer_missed', { attemptId: 'a9', why: 'timeout' }],
        ],
      ],
      [acme, hourAgo, [...dial(30, 'a10'), [35, 'call_ended', { attemptId: 'a10', outcome: 'failed' }]]],
      [acme, hourAgo, [...dial(290, 'a11'), contact(300, 'a11')]],
      [globex, hourAgo, [...dial(7, 'g1'), contact(30, 'g1')]],
    ];
    for (const [owner, anchor, facts] of scripts) rows.push(await storeLead(sql, owner, anchor, facts));

    const agents: [string, string][] = [
      [acme.tenantId, 'available'],
      [acme.tenantId, 'available'],
      [acme.tenantId, 'on_call'],
      [acme.tenantId, 'paused'],
      [globex.tenantId, 'available'],
    ];
    for (const [n, [tenantId, state]] of agents.entries())
      await sql.query(
        `INSERT INTO agent (tenant_id, username, display_name, password_hash, state) VALUES ($1, $2, $3, 'x', $4)`,
        [tenantId, `metrics-agent-${n}`, `Agent ${n}`, state],
      );

    const response = await scrape();
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    text = response.body;
    series = seriesOf(parsePrometheusText(text));
  }, 60_000);

  afterAll(async () => harness?.close());

  it('counts the events the intake accepted, by answer, per tenant and campaign', () => {
    expect(
      series.get('pronto_events_accepted_total{campaign="cash-loan",status="accepted",tenant="acme"}'),
    ).toBe(3);
    expect(
      series.get('pronto_events_accepted_total{campaign="cash-loan",status="merged",tenant="acme"}'),
    ).toBe(1);
    expect(
      series.get('pronto_events_accepted_total{campaign="cash-loan",status="suppressed",tenant="acme"}'),
    ).toBe(1);
    expect(
      series.get('pronto_events_accepted_total{campaign="cash-loan",status="accepted",tenant="globex"}'),
    ).toBe(1);
    expect(
      series.get('pronto_events_accepted_total{campaign="mortgage",status="accepted",tenant="acme"}'),
    ).toBe(0);
  });

  it('counts met and breached leads, each breach under its reason, as the SLA report does', () => {
    const acme = (name: string, extra = '') =>
      series.get(`${name}{campaign="cash-loan",${extra}tenant="acme"}`);
    expect(acme('pronto_sla_met_total')).toBe(3);
    expect(acme('pronto_sla_breached_total', 'reason="no_agent_available",')).toBe(2);
    expect(acme('pronto_sla_breached_total', 'reason="no_answer_all_attempts",')).toBe(1);
    expect(acme('pronto_sla_breached_total', 'reason="outside_window",')).toBe(1);
    expect(acme('pronto_sla_breached_total', 'reason="agent_missed_offer",')).toBe(1);
    expect(acme('pronto_sla_breached_total', 'reason="dialer_error",')).toBe(1);
    expect(series.get('pronto_sla_met_total{campaign="cash-loan",tenant="globex"}')).toBe(1);
    expect(
      series.get(
        'pronto_sla_breached_total{campaign="cash-loan",reason="no_agent_available",tenant="globex"}',
      ),
    ).toBe(0);
    // The same leads by the rules of the fold (leadResult, breachReason), which the report is held to.
    const now = new Date(NOW);
    const breachedBy = (reason: string) =>
      rows.filter((row) => leadResult(row, now) === 'breached' && breachReason(row) === reason).length;
    const total = (name: string, match = '') =>
      [...series]
        .filter(([key]) => key.startsWith(`${name}{`) && key.includes(match))
        .reduce((sum, [, value]) => sum + value, 0);
    expect(total('pronto_sla_met_total')).toBe(rows.filter((row) => leadResult(row, now) === 'met').length);
    for (const reason of BREACH_REASONS)
      expect(total('pronto_sla_breached_total', `reason="${reason}"`), reason).toBe(breachedBy(reason));
  });

  it('spreads speed-to-lead (anchor to first dial) over its buckets', () => {
    const bucket = (le: string) =>
      series.get(`pronto_speed_to_lead_seconds_bucket{campaign="cash-loan",le="${le}",tenant="acme"}`);
    // First dials 20, 30, 50, 100, 290 and 700 s after the anchor; a bound holds the dials equal to it.
    // The open lead, the suppressed one and those nobody dialed are not in it.
    expect(bucket('15')).toBe(0);
    expect(bucket('30')).toBe(2);
    expect(bucket('60')).toBe(3);
    expect(bucket('240')).toBe(4);
    expect(bucket('300')).toBe(5);
    expect(bucket('600')).toBe(5);
    expect(bucket('1800')).toBe(6);
    expect(bucket('+Inf')).toBe(6);
    expect(series.get('pronto_speed_to_lead_seconds_sum{campaign="cash-loan",tenant="acme"}')).toBe(1190);
    expect(series.get('pronto_speed_to_lead_seconds_count{campaign="cash-loan",tenant="acme"}')).toBe(6);
    expect(
      series.get('pronto_speed_to_lead_seconds_bucket{campaign="cash-loan",le="10",tenant="globex"}'),
    ).toBe(1);
    const bounds = [
      ...text.matchAll(
        /pronto_speed_to_lead_seconds_bucket\{tenant="acme",campaign="cash-loan",le="([^"]+)"\}/g,
      ),
    ];
    expect(bounds.map((match) => match[1])).toEqual([...SPEED_TO_LEAD_BUCKETS.map(String), '+Inf']);
  });

  it('shows the queue depth and the agents by state, each tenant under its own label', () => {
    expect(text).toContain('pronto_queue_depth{tenant="acme",campaign="cash-loan"} 3\n');
    expect(text).toContain('pronto_queue_depth{tenant="globex",campaign="cash-loan"} 1\n');
    expect(text).toContain('pronto_queue_depth{tenant="acme",campaign="mortgage"} 0\n');
    expect(series.get('pronto_agents{state="available",tenant="acme"}')).toBe(2);
    expect(series.get('pronto_agents{state="on_call",tenant="acme"}')).toBe(1);
    expect(series.get('pronto_agents{state="paused",tenant="acme"}')).toBe(1);
    expect(series.get('pronto_agents{state="offline",tenant="acme"}')).toBe(0);
    expect(series.get('pronto_agents{state="available",tenant="globex"}')).toBe(1);
    expect(series.get('pronto_agents{state="on_call",tenant="globex"}')).toBe(0);
  });

  it('answers without a signature and stays out of the OpenAPI document', async () => {
    const paths = Object.keys(
      (await harness.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths,
    );
    expect(paths).toContain('/v1/events');
    expect(paths).not.toContain('/metrics');
  });

  it("carries the process's own metrics under the pronto_ prefix", () => {
    expect(series.get('pronto_process_cpu_user_seconds_total{}')).toBeGreaterThan(0);
    expect([...series.keys()].some((key) => key.startsWith('pronto_nodejs_'))).toBe(true);
  });

  it('reads the database at each scrape: a due time passing is a breach, and another process says the same', async () => {
    harness.clock.ms = NOW + 5 * 60_000; // the open lead's due time has passed
    const later = await read();
    expect(
      later.get('pronto_sla_breached_total{campaign="cash-loan",reason="no_agent_available",tenant="acme"}'),
    ).toBe(3);
    const other = Fastify();
    await registerMetrics(other, { sql: harness.db.sql, now: () => new Date(harness.clock.ms) });
    const elsewhere = seriesOf(parsePrometheusText((await scrape(other)).body));
    await other.close();
    const figures = (all: Map<string, number>) =>
      [...all]
        .filter(([key]) => !/^pronto_(process|nodejs)_/.test(key))
        .sort(([a], [b]) => a.localeCompare(b));
    expect(figures(elsewhere)).toEqual(figures(later));
  });

  it('is accepted by promtool check metrics when promtool is installed', () => {
    const promtool = runPromtool(['check', 'metrics'], text);
    if (!promtool) return;
    const problems = promtool.output.split('\n').filter((line) => line.trim() !== '');
    // prom-client names three of its default gauges *_total, which promtool's lint flags; they
    // are the only problem it may find (exit 3 is lint problems; a text it cannot parse is exit 1).
    const prefab =
      /^pronto_nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;
    expect(problems.filter((line) => !prefab.test(line))).toEqual([]);
    expect(promtool.status).toBe(problems.length > 0 ? 3 : 0);
  });

  it('has a Grafana dashboard that queries only what it serves', () => {
    const served = new Set(
      [...parsePrometheusText(text)].flatMap(([name, { type }]) => [
        name,
        ...(SUFFIXES[type] ?? []).map((suffix) => name + suffix),
      ]),
    );
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    const targets = dashboard.panels.flatMap((panel) => panel.targets);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own variable syntax
      expect(target.datasource.uid).toBe('${datasource}');
      for (const [name] of target.expr.matchAll(/pronto_[a-z_]+/g)) expect(served, name).toContain(name);
    }
  });

  it("has dashboard queries that count a figure once however many processes serve it (promtool's evaluator)", () => {
    // Two processes scraped for one hour: 3 leads met and 1 breached a minute, 3 leads queued.
    const input_series = ['a', 'b'].flatMap((instance) => {
      const labels = `tenant="acme",campaign="cash-loan",instance="${instance}"`;
      return [
        { series: `pronto_sla_met_total{${labels}}`, values: '0+3x120' },
        { series: `pronto_sla_breached_total{${labels},reason="no_agent_available"}`, values: '0+1x120' },
        { series: `pronto_queue_depth{${labels}}`, values: '3x120' },
      ];
    });
    const at2h = (title: string, value: number, refId = 'A') => ({
      expr: panelQuery(title, refId),
      eval_time: '2h',
      exp_samples: [{ labels: '{}', value }],
    });
    const promql_expr_test = [
      at2h('SLA attainment (time range)', 0.75),
      at2h('Met / breached (time range)', 180, 'A'),
      at2h('Met / breached (time range)', 60, 'B'),
      at2h('Queue depth', 3),
    ];
    const folder = mkdtempSync(join(tmpdir(), 'pronto-dashboard-'));
    try {
      // promtool reads YAML, of which JSON is a part.
      const file = join(folder, 'dashboard-test.yml');
      writeFileSync(file, JSON.stringify({ tests: [{ interval: '1m', input_series, promql_expr_test }] }));
      const promtool = runPromtool(['test', 'rules', file]);
      if (!promtool) return;
      expect(promtool.output).toContain('SUCCESS');
      expect(promtool.status).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a malformed text (the parser above is strict)', () => {
    expect(() => parsePrometheusText('x 1\n')).toThrow(/no # TYPE/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx{a="1" 1\n')).toThrow();
    expect(() => parsePrometheusText('# TYPE x gauge\nx 1\nx 2\n')).toThrow(/twice/);
    expect(() =>
      parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'),
    ).toThrow(/cumulative/);
  });
});
