import { Writable } from 'node:stream';
import { PROBLEM_CONTENT_TYPE } from '@pronto/contracts';
import { AGENT_ROLE, createSessions, MANAGER_ROLE } from '@pronto/http';
import { signatureHeaders } from '@pronto/signature';
import { createLogger } from '@pronto/telemetry';
import { createAgent, createManager } from '@pronto/tenancy';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminHarness,
  type AdminMethod,
  startAdminHarness,
  type TestOperatorKey,
} from '../testing/admin-harness.ts';

/** The console's page origin in these tests (PRONTO_PUBLIC_ORIGINS). */
const CONSOLE = 'https://console.pronto.test';
const FOREIGN = 'https://evil.example';

/** What no answer may show: a stack frame, SQL, a driver's words. */
const LEAKS =
  /(\bat .+:\d+:\d+\)?|node_modules|\bSELECT\b|\bINSERT\b|\bUPDATE\b .+\bSET\b|\bFROM\b \w+ \w+ JOIN|pglite|syntax error)/i;

/** Every character but letters and digits percent-encoded, so that no client re-encodes the signed path. */
const encodeAll = (value: string) =>
  Array.from(Buffer.from(value, 'utf8'), (byte) =>
    /[A-Za-z0-9]/.test(String.fromCharCode(byte))
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');

/** Every client error is RFC 9457 problem+json, and shows no stack, no SQL. */
function expectProblem(answer: LightMyRequestResponse, status: number, slug?: string) {
  expect(answer.statusCode, answer.body).toBe(status);
  expect(answer.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
  const body = answer.json<{ type: string; status: number; errors?: { field: string }[] }>();
  expect(body.status).toBe(status);
  if (slug) expect(body.type).toContain(slug);
  expect(answer.body).not.toMatch(LEAKS);
  return body;
}

/** A 400 that names `fields` (as the caller wrote them) among its errors. */
function expectFields(answer: LightMyRequestResponse, ...fields: string[]) {
  const body = expectProblem(answer, 400);
  const named = (body.errors ?? []).map((error) => error.field);
  for (const field of fields) expect(named, answer.body).toContain(field);
}

async function startProbeHarness(lines: string[] = []) {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return startAdminHarness({
    logger: createLogger({ name: 'admin-probe', level: 'debug', destination }),
    http: { publicOrigins: [CONSOLE] },
  });
}

/** A manager of `tenant` signed in on the console: its session cookie. */
async function managerCookie(h: AdminHarness, tenantId: string, username: string) {
  await createManager(h.db.sql, { tenantId, username, displayName: username, password: 'manager-pass-1' });
  const sessions = createSessions({ role: MANAGER_ROLE, sql: h.db.sql, now: () => new Date(h.clock.ms) });
  const signedIn = await sessions.signIn(username, 'manager-pass-1');
  if (!signedIn) throw new Error(`${username} could not sign in`);
  return `pronto_manager=${signedIn.token}`;
}

/** A call with a console session (no signature), with `origin` when given. */
function sessionCall(
  h: AdminHarness,
  cookie: string,
  method: AdminMethod,
  url: string,
  body?: unknown,
  origin?: string,
) {
  return h.app.inject({
    method,
    url,
    headers: {
      cookie,
      ...(origin ? { origin } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** One harness for the tenancy probes: globex has a group, a campaign, an agent, a manager and a key. */
describe('admin API probes: tenants and roles', () => {
  let h: AdminHarness;
  let globexKeyId: string;
  let acmeCookie: string;
  let leadCookie: string;
  const tick = () => {
    h.clock.ms += 1000;
  };
  beforeAll(async () => {
    h = await startProbeHarness();
    const globex = (path: string, body: unknown, method: AdminMethod = 'POST') => {
      tick();
      return h.call(method, `/v1/admin/tenants/globex${path}`, body);
    };
    expect((await globex('/groups/claims', { displayName: 'Claims' }, 'PUT')).statusCode).toBe(201);
    expect(
      (await globex('/campaigns/car-insurance', { name: 'Car insurance', timeZone: 'Europe/Warsaw' }, 'PUT'))
        .statusCode,
    ).toBe(201);
    const agent = await globex('/agents', {
      username: 'gx.agent',
      displayName: 'Globex agent',
      password: 'agent-pass-1',
      groups: ['claims'],
    });
    expect(agent.statusCode).toBe(201);
    expect(
      (await globex('/managers', { username: 'gx.manager', password: 'manager-pass-2' })).statusCode,
    ).toBe(201);
    const key = await globex('/keys', { name: 'website' });
    globexKeyId = key.json().keyId;
    acmeCookie = await managerCookie(h, h.acme.id, 'acme.boss');
    leadCookie = await managerCookie(h, h.acme.id, 'acme.lead');
  });
  afterAll(async () => h?.close());

  describe('another tenant is never reachable', () => {
    /** Every globex route, read and write, as acme's manager would try it. */
    const globexRoutes = (): [AdminMethod, string, unknown][] => [
      ['GET', '/v1/admin/tenants/globex', undefined],
      ['PATCH', '/v1/admin/tenants/globex', { name: 'Taken over' }],
      ['GET', '/v1/admin/tenants/globex/keys', undefined],
      ['POST', '/v1/admin/tenants/globex/keys', { name: 'mine now' }],
      ['POST', `/v1/admin/tenants/globex/keys/${globexKeyId}/rotate`, { graceSeconds: 0 }],
      ['POST', `/v1/admin/tenants/globex/keys/${globexKeyId}/revoke`, undefined],
      ['GET', '/v1/admin/tenants/globex/campaigns', undefined],
      ['GET', '/v1/admin/tenants/globex/campaigns/car-insurance', undefined],
      ['PUT', '/v1/admin/tenants/globex/campaigns/car-insurance', { name: 'X', timeZone: 'UTC' }],
      ['GET', '/v1/admin/tenants/globex/groups', undefined],
      ['PUT', '/v1/admin/tenants/globex/groups/claims', { displayName: 'Mine' }],
      ['DELETE', '/v1/admin/tenants/globex/groups/claims', undefined],
      ['GET', '/v1/admin/tenants/globex/agents', undefined],
      [
        'POST',
        '/v1/admin/tenants/globex/agents',
        { username: 'spy.one', displayName: 'Spy', password: 'spy-pass-1' },
      ],
      ['PATCH', '/v1/admin/tenants/globex/agents/gx.agent', { disabled: true }],
      ['POST', '/v1/admin/tenants/globex/agents/gx.agent/password', { password: 'stolen-pass-1' }],
      [
        'POST',
        '/v1/admin/tenants/globex/agents/import',
        { agents: [{ username: 'spy.two', displayName: 'Spy', password: 'spy-pass-2' }] },
      ],
      ['GET', '/v1/admin/tenants/globex/managers', undefined],
      ['POST', '/v1/admin/tenants/globex/managers', { username: 'spy.three', password: 'spy-pass-3' }],
      ['PATCH', '/v1/admin/tenants/globex/managers/gx.manager', { disabled: true }],
      ['POST', '/v1/admin/tenants/globex/managers/gx.manager/password', { password: 'stolen-pass-2' }],
      ['GET', '/v1/admin/audit?tenant=globex', undefined],
    ];

    it("answers 404 to acme's manager key on every globex route, read or write", async () => {
      for (const [method, path, body] of globexRoutes()) {
        tick();
        const answer = await h.call(method, path, body, { key: h.acme.key });
        expect(answer.statusCode, `${method} ${path}: ${answer.body}`).toBe(404);
        expectProblem(answer, 404, 'not-found');
        expect(answer.body).not.toContain('Globex');
      }
    });

    it("answers 404 to acme's manager session on every globex route, read or write", async () => {
      for (const [method, path, body] of globexRoutes()) {
        tick();
        const answer = await sessionCall(h, acmeCookie, method, path, body, CONSOLE);
        expect(answer.statusCode, `${method} ${path}: ${answer.body}`).toBe(404);
        expectProblem(answer, 404, 'not-found');
      }
    });

    it('left globex as it was: its key, agent, manager, campaign and group unchanged, no spy created', async () => {
      const keys = await h.call('GET', '/v1/admin/tenants/globex/keys');
      expect(keys.json().items).toEqual([
        expect.objectContaining({ keyId: globexKeyId, revokedAt: null, rotatedAt: null }),
      ]);
      const agents = await h.call('GET', '/v1/admin/tenants/globex/agents');
      expect(agents.json().items).toEqual([
        expect.objectContaining({ username: 'gx.agent', disabled: false }),
      ]);
      const managers = await h.call('GET', '/v1/admin/tenants/globex/managers');
      expect(managers.json().items).toEqual([
        expect.objectContaining({ username: 'gx.manager', disabled: false }),
      ]);
      expect((await h.call('GET', '/v1/admin/tenants/globex')).json().name).toBe('Globex Insurance');
      expect((await h.call('GET', '/v1/admin/tenants/globex/campaigns/car-insurance')).json().name).toBe(
        'Car insurance',
      );
      const [spies] = await h.db.sql.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM agent WHERE username LIKE 'spy.%')
            + (SELECT count(*) FROM manager WHERE username LIKE 'spy.%') AS n`,
      );
      expect(Number(spies?.n)).toBe(0);
      const [acmeRows] = await h.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE actor = $1`,
        [`key:${h.acme.key.keyId}`],
      );
      expect(acmeRows?.n).toBe(0);
    });

    it("uses acme's own paths with globex's names as unknown: key ids, agents, managers, campaigns, groups", async () => {
      const probes: [AdminMethod, string, unknown][] = [
        ['POST', `/v1/admin/tenants/acme/keys/${globexKeyId}/revoke`, undefined],
        ['POST', `/v1/admin/tenants/acme/keys/${globexKeyId}/rotate`, {}],
        ['POST', `/v1/admin/tenants/acme/keys/${h.globex.key.keyId}/revoke`, undefined],
        ['PATCH', '/v1/admin/tenants/acme/agents/gx.agent', { disabled: true }],
        ['POST', '/v1/admin/tenants/acme/agents/gx.agent/password', { password: 'stolen-pass-3' }],
        ['PATCH', '/v1/admin/tenants/acme/managers/gx.manager', { disabled: true }],
        ['POST', '/v1/admin/tenants/acme/managers/gx.manager/password', { password: 'stolen-pass-4' }],
        ['GET', '/v1/admin/tenants/acme/campaigns/car-insurance', undefined],
        ['DELETE', '/v1/admin/tenants/acme/groups/claims', undefined],
      ];
      for (const [method, path, body] of probes) {
        tick();
        const answer = await h.call(method, path, body, { key: h.acme.key });
        expect(answer.statusCode, `${method} ${path}: ${answer.body}`).toBe(404);
        expectProblem(answer, 404, 'not-found');
      }
      const keys = await h.call('GET', '/v1/admin/tenants/globex/keys');
      expect(keys.json().items[0]).toMatchObject({ keyId: globexKeyId, revokedAt: null, rotatedAt: null });
      // Globex's manager key still works: it was not revoked through acme's path.
      expect(
        (await h.call('GET', '/v1/admin/tenants/globex', undefined, { key: h.globex.key })).statusCode,
      ).toBe(200);
    });

    it("shows acme's manager no globex audit row, whatever the filter", async () => {
      const filters = [
        '',
        '?resourceId=gx.agent',
        `?resourceId=${globexKeyId}`,
        '?resourceType=agent',
        '?action=tenant.create',
        `?actor=key:${h.admin.keyId}`,
      ];
      for (const filter of filters) {
        const answer = await h.call('GET', `/v1/admin/audit${filter}`, undefined, { key: h.acme.key });
        expect(answer.statusCode).toBe(200);
        for (const row of answer.json().items) expect(row.tenant, filter).toBe('acme');
      }
    });

    it("refuses acme's manager the installation's routes: operator keys (any ?tenant=), tenants, admins", async () => {
      for (const path of [
        '/v1/admin/operator-keys',
        '/v1/admin/operator-keys?tenant=globex',
        '/v1/admin/operator-keys?tenant=acme',
        '/v1/admin/admins',
      ]) {
        expectProblem(await h.call('GET', path, undefined, { key: h.acme.key }), 403, 'forbidden');
      }
      const tenants = await h.call('GET', '/v1/admin/tenants', undefined, { key: h.acme.key });
      expect(tenants.json().items.map((t: { slug: string }) => t.slug)).toEqual(['acme']);
    });
  });

  describe('a manager cannot raise itself', () => {
    const operatorKeyCount = async () => {
      const [row] = await h.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM operator_key');
      return row?.n;
    };

    it('may create no operator key, admin or manager, by key or by session', async () => {
      const before = await operatorKeyCount();
      for (const body of [
        { role: 'admin' },
        { role: 'manager', tenant: 'acme' },
        { role: 'manager', tenant: 'globex' },
      ]) {
        tick();
        expectProblem(
          await h.call('POST', '/v1/admin/operator-keys', body, { key: h.acme.key }),
          403,
          'forbidden',
        );
        tick();
        expectProblem(
          await sessionCall(h, leadCookie, 'POST', '/v1/admin/operator-keys', body, CONSOLE),
          403,
        );
      }
      tick();
      expectProblem(
        await h.call('POST', `/v1/admin/operator-keys/${h.globex.key.keyId}/revoke`, undefined, {
          key: h.acme.key,
        }),
        403,
      );
      expect(await operatorKeyCount()).toBe(before);
    });

    it('may not rename, disable or create tenants, nor create admins', async () => {
      tick();
      expectProblem(
        await h.call('PATCH', '/v1/admin/tenants/acme', { name: 'Mine' }, { key: h.acme.key }),
        403,
      );
      tick();
      expectProblem(
        await h.call('PATCH', '/v1/admin/tenants/acme', { disabled: false }, { key: h.acme.key }),
        403,
      );
      tick();
      expectProblem(
        await h.call('POST', '/v1/admin/tenants', { slug: 'rogue', name: 'Rogue' }, { key: h.acme.key }),
        403,
      );
      tick();
      expectProblem(
        await h.call(
          'POST',
          '/v1/admin/admins',
          { username: 'rogue.admin', password: 'rogue-pass-1' },
          { key: h.acme.key },
        ),
        403,
      );
      tick();
      expectProblem(
        await sessionCall(h, leadCookie, 'PATCH', '/v1/admin/tenants/acme', { name: 'Mine' }, CONSOLE),
        403,
      );
      expect((await h.call('GET', '/v1/admin/tenants/acme')).json().name).toBe('Acme Bank');
      expect((await h.call('GET', '/v1/admin/admins')).json().items).toEqual([]);
    });

    it('refuses body fields that would move an account, a key or itself: role, tenantId, tenant', async () => {
      const attempts: [AdminMethod, string, Record<string, unknown>, string][] = [
        [
          'POST',
          '/v1/admin/tenants/acme/managers',
          { username: 'sneaky.one', password: 'sneaky-pass-1', role: 'admin' },
          'role',
        ],
        [
          'POST',
          '/v1/admin/tenants/acme/managers',
          { username: 'sneaky.two', password: 'sneaky-pass-2', tenantId: h.globex.id },
          'tenantId',
        ],
        ['PATCH', '/v1/admin/tenants/acme/managers/acme.lead', { role: 'admin' }, 'role'],
        ['PATCH', '/v1/admin/tenants/acme/managers/acme.lead', { tenantId: null }, 'tenantId'],
        ['POST', '/v1/admin/tenants/acme/keys', { name: 'k', tenantId: h.globex.id }, 'tenantId'],
        ['POST', '/v1/admin/tenants/acme/keys/none/rotate', { graceSeconds: 10, tenant: 'globex' }, 'tenant'],
        [
          'POST',
          '/v1/admin/tenants/acme/agents',
          { username: 'sneaky.three', displayName: 'S', password: 'sneaky-pass-3', tenantId: h.globex.id },
          'tenantId',
        ],
        [
          'PUT',
          '/v1/admin/tenants/acme/groups/sales',
          { displayName: 'Sales', tenantId: h.globex.id },
          'tenantId',
        ],
        [
          'PUT',
          '/v1/admin/tenants/acme/campaigns/loans',
          { name: 'Loans', timeZone: 'Europe/Warsaw', tenantId: h.globex.id },
          'tenantId',
        ],
      ];
      for (const [method, path, body, field] of attempts) {
        tick();
        expectFields(await h.call(method, path, body, { key: h.acme.key }), field);
      }
      const [row] = await h.db.sql.query<{ role: string; tenant: string | null }>(
        `SELECT role, tenant_id::text AS tenant FROM manager WHERE username = 'acme.lead'`,
      );
      expect(row).toEqual({ role: 'manager', tenant: h.acme.id });
      const [made] = await h.db.sql.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM manager WHERE username LIKE 'sneaky.%')
            + (SELECT count(*) FROM agent WHERE username LIKE 'sneaky.%')
            + (SELECT count(*) FROM agent_group WHERE name = 'sales')
            + (SELECT count(*) FROM campaign WHERE slug = 'loans') AS n`,
      );
      expect(Number(made?.n)).toBe(0);
    });

    it("reaches no admin account through its tenant's manager routes: no password reset, no disabling", async () => {
      tick();
      const admin = await h.call('POST', '/v1/admin/admins', {
        username: 'root.one',
        password: 'root-pass-123',
      });
      expect(admin.statusCode).toBe(201);
      const attempts: [AdminMethod, string, unknown][] = [
        ['POST', '/v1/admin/tenants/acme/managers/root.one/password', { password: 'taken-over-1' }],
        ['PATCH', '/v1/admin/tenants/acme/managers/root.one', { disabled: true }],
        ['PATCH', '/v1/admin/tenants/acme/managers/root.one', { displayName: 'Owned' }],
      ];
      for (const [method, path, body] of attempts) {
        tick();
        expectProblem(await h.call(method, path, body, { key: h.acme.key }), 404, 'not-found');
        tick();
        expectProblem(await sessionCall(h, leadCookie, method, path, body, CONSOLE), 404, 'not-found');
      }
      for (const [method, path, body] of [
        ['POST', '/v1/admin/admins/root.one/password', { password: 'taken-over-2' }],
        ['PATCH', '/v1/admin/admins/root.one', { disabled: true }],
        ['PATCH', '/v1/admin/admins/acme.lead', { displayName: 'Promoted?' }],
      ] as [AdminMethod, string, unknown][]) {
        tick();
        expectProblem(await h.call(method, path, body, { key: h.acme.key }), 403, 'forbidden');
      }
      // Nor can an admin's routes reach a manager: the two kinds of account stay apart.
      tick();
      expectProblem(
        await h.call('PATCH', '/v1/admin/admins/acme.lead', { disabled: true }),
        404,
        'not-found',
      );
      const sessions = createSessions({ role: MANAGER_ROLE, sql: h.db.sql, now: () => new Date(h.clock.ms) });
      expect(await sessions.signIn('root.one', 'root-pass-123')).toBeDefined();
      expect((await h.call('GET', '/v1/admin/admins')).json().items).toEqual([
        expect.objectContaining({ username: 'root.one', displayName: 'root.one', disabled: false }),
      ]);
    });

    it('takes a __proto__ key as an unknown field, never as the object it names', async () => {
      const raw = (method: AdminMethod, path: string, payload: string) => {
        tick();
        const headers = signatureHeaders(h.acme.key.keyId, h.acme.key.secret, {
          timestamp: Math.floor(h.clock.ms / 1000),
          method,
          pathWithQuery: path,
          body: payload,
        });
        return h.app.inject({
          method,
          url: path,
          headers: { ...headers, 'content-type': 'application/json' },
          payload,
        });
      };
      expectFields(
        await raw(
          'POST',
          '/v1/admin/tenants/acme/managers',
          '{"username":"proto.one","password":"proto-pass-1","__proto__":{"role":"admin"}}',
        ),
        '__proto__',
      );
      expectFields(
        await raw('PATCH', '/v1/admin/tenants/acme/managers/acme.lead', '{"__proto__":{"disabled":true}}'),
        '__proto__',
      );
      expectFields(
        await raw('POST', '/v1/admin/tenants/acme/keys/x/rotate', '{"__proto__":{"graceSeconds":1}}'),
        '__proto__',
      );
      expect(({} as Record<string, unknown>).role).toBeUndefined();
      const [made] = await h.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM manager WHERE username = 'proto.one'`,
      );
      expect(made?.n).toBe(0);
    });
  });
});

/** One harness for input, signatures and sessions; its logger's lines are kept for the secrets check. */
describe('admin API probes: input, signatures and sessions', () => {
  const lines: string[] = [];
  /** Every secret and password handed out or sent here: none may reach a log line or an audit row. */
  const secrets: string[] = [];
  let h: AdminHarness;
  let keyId: string;
  let acmeCookie: string;
  const tick = () => {
    h.clock.ms += 1000;
  };
  beforeAll(async () => {
    h = await startProbeHarness(lines);
    keyId = (await h.call('POST', '/v1/admin/tenants/acme/keys', { name: 'web' })).json().keyId;
    acmeCookie = await managerCookie(h, h.acme.id, 'acme.desk');
    secrets.push('manager-pass-1', h.admin.secret, h.acme.key.secret, h.globex.key.secret);
  });
  afterAll(async () => h?.close());

  describe('hostile input is a 400 naming the field', () => {
    it('refuses 10 kB names and 100 kB bodies with a 400, and a body over the limit with a 413', async () => {
      const long = 'x'.repeat(10_000);
      tick();
      expectFields(await h.call('POST', '/v1/admin/tenants', { slug: 'long-one', name: long }), 'name');
      tick();
      expectFields(await h.call('PATCH', '/v1/admin/tenants/acme', { name: long }), 'name');
      tick();
      expectFields(await h.call('POST', '/v1/admin/tenants/acme/keys', { name: long }), 'name');
      tick();
      expectFields(await h.call('POST', '/v1/admin/operator-keys', { role: 'admin', name: long }), 'name');
      tick();
      expectFields(
        await h.call('POST', '/v1/admin/tenants/acme/managers', {
          username: 'long.one',
          displayName: long,
          password: 'long-pass-1',
        }),
        'displayName',
      );
      tick();
      expectFields(
        await h.call('POST', '/v1/admin/tenants/acme/managers', {
          username: 'long.two',
          password: 'p'.repeat(10_000),
        }),
        'password',
      );
      tick();
      expectFields(
        await h.call('POST', '/v1/admin/tenants', {
          slug: 'big-body',
          name: 'Big',
          padding: 'y'.repeat(100_000),
        }),
        'padding',
      );
      tick();
      expectProblem(
        await h.call('POST', '/v1/admin/tenants', { slug: 'huge-body', name: 'z'.repeat(300_000) }),
        413,
        'payload-too-large',
      );
      const tenants = (await h.call('GET', '/v1/admin/tenants'))
        .json()
        .items.map((t: { slug: string }) => t.slug);
      expect(tenants).toEqual(['acme', 'globex']);
    });

    it('keeps unicode and SQL metacharacters as text, and refuses control characters and odd slugs', async () => {
      tick();
      const unicode = await h.call('POST', '/v1/admin/tenants', {
        slug: 'zolw',
        name: "Żółw 🐢 O'Brien; DROP TABLE tenant; --",
      });
      expect(unicode.statusCode).toBe(201);
      expect((await h.call('GET', '/v1/admin/tenants/zolw')).json().name).toBe(
        "Żółw 🐢 O'Brien; DROP TABLE tenant; --",
      );
      for (const slug of [
        'żółw',
        'acme\u200b',
        'a',
        '-acme',
        'ACME',
        "x' OR '1'='1",
        'a b',
        'x'.repeat(41),
      ]) {
        tick();
        expectFields(await h.call('POST', '/v1/admin/tenants', { slug, name: 'Odd' }), 'slug');
      }
      tick();
      expectFields(await h.call('POST', '/v1/admin/tenants', { slug: 'nul-name', name: 'a\u0000b' }), 'name');
      tick();
      expectFields(await h.call('PATCH', '/v1/admin/tenants/acme', { name: '\ud800' }), 'name');
      for (const path of [
        "/v1/admin/tenants/x'%20OR%20'1'%3D'1",
        '/v1/admin/tenants/%C5%BC%C3%B3%C5%82w',
        '/v1/admin/tenants/acme%00',
        '/v1/admin/tenants/acme/agents/%27%3B%20DROP%20TABLE%20agent%3B--',
        '/v1/admin/tenants/acme/managers/%00',
        `/v1/admin/tenants/acme/keys/${'k'.repeat(5000)}/revoke`,
      ]) {
        tick();
        const method = path.endsWith('/revoke') ? 'POST' : 'GET';
        const answer = await h.call(method, path);
        expect(answer.statusCode, `${path}: ${answer.body}`).toBeGreaterThanOrEqual(400);
        expect(answer.statusCode, `${path}: ${answer.body}`).toBeLessThan(500);
        expectProblem(answer, answer.statusCode);
      }
      expect((await h.call('GET', '/v1/admin/tenants')).json().items).toHaveLength(3);
    });

    it('refuses names a terminal or a page would run or disguise: control characters, bidi overrides, blanks', async () => {
      const hostile = [
        '\u001b[2J\u001b[31mroot',
        'line\nbreak',
        'tab\there',
        'bell\u0007',
        'rtl\u202egnp.exe',
        '   ',
        '\u2028',
      ];
      for (const name of hostile) {
        tick();
        expectFields(
          await h.call('POST', '/v1/admin/tenants/acme/keys', { name }, { key: h.acme.key }),
          'name',
        );
        tick();
        expectFields(await h.call('PATCH', '/v1/admin/tenants/acme', { name }), 'name');
        tick();
        expectFields(await h.call('POST', '/v1/admin/operator-keys', { role: 'admin', name }), 'name');
        tick();
        expectFields(
          await h.call(
            'PATCH',
            '/v1/admin/tenants/acme/managers/acme.desk',
            { displayName: name },
            { key: h.acme.key },
          ),
          'displayName',
        );
      }
      tick();
      const kept = await h.call('POST', '/v1/admin/tenants/acme/keys', { name: 'Zażółć — 日本 🚀 (prod)' });
      expect(kept.statusCode).toBe(201);
      expect(kept.json().name).toBe('Zażółć — 日本 🚀 (prod)');
      tick();
      expect(
        (await h.call('POST', `/v1/admin/tenants/acme/keys/${kept.json().keyId}/revoke`)).statusCode,
      ).toBe(200);
      expect((await h.call('GET', '/v1/admin/tenants/acme')).json().name).toBe('Acme Bank');
    });

    it('refuses hostile slugs and names in campaigns, groups and agents, naming the field', async () => {
      const acme = '/v1/admin/tenants/acme';
      const ansi = '\u001b[2J\u001b[31mroot';
      const attempts: [AdminMethod, string, unknown, string][] = [
        ['PUT', `${acme}/campaigns/${encodeAll('Bad Slug')}`, { name: 'Bad', timeZone: 'UTC' }, 'campaign'],
        ['PUT', `${acme}/campaigns/${encodeAll('żółw')}`, { name: 'Bad', timeZone: 'UTC' }, 'campaign'],
        ['PUT', `${acme}/campaigns/ok-slug`, { name: ansi, timeZone: 'UTC' }, 'name'],
        ['PUT', `${acme}/campaigns/ok-slug`, { name: 'Ok', timeZone: 'x'.repeat(10_000) }, 'timeZone'],
        ['PUT', `${acme}/campaigns/ok-slug`, { name: 'Ok', timeZone: '../../etc/passwd' }, 'timeZone'],
        ['PUT', `${acme}/groups/${encodeAll('Bad Name')}`, { displayName: 'Bad' }, 'group'],
        ['PUT', `${acme}/groups/ok-group`, { displayName: ansi }, 'displayName'],
        [
          'POST',
          `${acme}/agents`,
          { username: 'esc.agent', displayName: ansi, password: 'esc-pass-1' },
          'displayName',
        ],
        [
          'POST',
          `${acme}/agents`,
          {
            username: 'crlf.agent',
            displayName: 'CRLF',
            password: 'crlf-pass-1',
            sipEndpoint: 'PJSIP/a\r\nAction: Originate',
          },
          'sipEndpoint',
        ],
      ];
      tick();
      const plain = { username: 'plain.agent', displayName: 'Plain', password: 'plain-pass-1' };
      expect((await h.call('POST', `${acme}/agents`, plain)).statusCode).toBe(201);
      attempts.push(
        ['PATCH', `${acme}/agents/plain.agent`, { sipEndpoint: 'PJSIP/a\r\nAction: Hangup' }, 'sipEndpoint'],
        ['PATCH', `${acme}/agents/plain.agent`, { displayName: ansi }, 'displayName'],
      );
      const failures: string[] = [];
      for (const [method, path, body, field] of attempts) {
        tick();
        const answer = await h.call(method, path, body);
        const named =
          answer.statusCode === 400 ? answer.json().errors.map((e: { field: string }) => e.field) : [];
        if (!named.includes(field))
          failures.push(`${method} ${path.slice(0, 60)} ${field}: ${answer.statusCode}`);
        expect(answer.statusCode, `${method} ${path.slice(0, 60)}`).toBeLessThan(500);
      }
      expect(failures).toEqual([]);
    });

    it('answers a body that is not JSON with 400 invalid-json that does not quote the body back', async () => {
      tick();
      const payload = '{"username":"quoted.one","password":hunter22secret}';
      const path = '/v1/admin/tenants/acme/managers';
      const headers = signatureHeaders(h.admin.keyId, h.admin.secret, {
        timestamp: Math.floor(h.clock.ms / 1000),
        method: 'POST',
        pathWithQuery: path,
        body: payload,
      });
      const answer = await h.app.inject({
        method: 'POST',
        url: path,
        headers: { ...headers, 'content-type': 'application/json' },
        payload,
      });
      expectProblem(answer, 400, 'invalid-json');
      expect(answer.body).not.toContain('hunter22');
    });

    it('refuses a filter given twice (?tenant=acme&tenant=globex) rather than reading either', async () => {
      const answer = await h.call('GET', '/v1/admin/audit?tenant=acme&tenant=globex', undefined, {
        key: h.acme.key,
      });
      expectFields(answer, 'tenant');
      const keys = await h.call('GET', '/v1/admin/operator-keys?tenant=acme&tenant=globex');
      expectFields(keys, 'tenant');
    });

    it('refuses arrays, nulls, numbers as strings and bodies of the wrong shape, naming the field', async () => {
      const keyCount = async () => {
        const [row] = await h.db.sql.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM api_key WHERE tenant_id = $1',
          [h.acme.id],
        );
        return row?.n;
      };
      const keysBefore = await keyCount();
      tick();
      expectFields(await h.call('POST', '/v1/admin/tenants', [{ slug: 'arr', name: 'Array' }]), '');
      tick();
      expectFields(await h.call('POST', '/v1/admin/tenants', { slug: null, name: null }), 'slug', 'name');
      tick();
      expectProblem(await h.call('POST', '/v1/admin/tenants', null), 400);
      tick();
      expectFields(
        await h.call('PATCH', '/v1/admin/tenants/acme', { name: null, disabled: null }),
        'name',
        'disabled',
      );
      tick();
      expectFields(await h.call('PATCH', '/v1/admin/tenants/acme', { disabled: 'true' }), 'disabled');
      tick();
      expectFields(await h.call('POST', '/v1/admin/operator-keys', { role: ['admin'] }), 'role');
      tick();
      expectFields(
        await h.call('POST', '/v1/admin/operator-keys', { role: 'manager', tenant: null }),
        'tenant',
      );
      tick();
      expectFields(await h.call('POST', '/v1/admin/tenants/acme/keys', { name: null }), 'name');
      tick();
      expectFields(await h.call('POST', '/v1/admin/tenants/acme/keys', ['web']), '');
      tick();
      expectFields(await h.call('POST', '/v1/admin/tenants/acme/keys', null), '');
      tick();
      expectFields(await h.call('POST', `/v1/admin/tenants/acme/keys/${keyId}/rotate`, null), '');
      tick();
      expectFields(
        await h.call('POST', '/v1/admin/tenants/acme/managers', {
          username: 'nully',
          password: 'nully-pass',
          displayName: null,
        }),
        'displayName',
      );
      tick();
      expectFields(
        await h.call('PATCH', '/v1/admin/tenants/acme/managers/nobody', { disabled: 1 }),
        'disabled',
      );
      expect(await keyCount()).toBe(keysBefore);
    });

    it('takes graceSeconds only as an integer from 0 to 604800', async () => {
      for (const graceSeconds of [-1, 604_801, 1e300, 1.5, '60', null, true, [60], { s: 60 }]) {
        tick();
        expectFields(
          await h.call('POST', `/v1/admin/tenants/acme/keys/${keyId}/rotate`, { graceSeconds }),
          'graceSeconds',
        );
      }
      const key = (await h.call('GET', '/v1/admin/tenants/acme/keys')).json().items[0];
      expect(key.rotatedAt).toBeNull();
    });

    it("reads the audit log's limit, since, until and cursor strictly: a bad one is a 400 naming it", async () => {
      for (const limit of ['0', '-1', '1e9', '501', '1000000000', 'ten', '', '1.5', ' 5']) {
        expectFields(await h.call('GET', `/v1/admin/audit?limit=${encodeAll(limit)}`), 'limit');
      }
      for (const [name, value] of [
        ['since', 'not-a-date'],
        ['since', '2026-13-45T00:00:00Z'],
        ['since', '0000-01-01T00:00:00Z'],
        ['until', '1'],
        ['until', '2026'],
        ['since', "2026-01-01T00:00:00Z' OR 1=1 --"],
      ] as const) {
        expectFields(await h.call('GET', `/v1/admin/audit?${name}=${encodeAll(value)}`), name);
      }
      const garbage = [
        'garbage',
        '!!!',
        '%00',
        Buffer.from('2026-01-01T00:00:00Z|99999999999999999999', 'utf8').toString('base64url'),
        Buffer.from('2026-01-01T00:00:00Z|9999999999999999999', 'utf8').toString('base64url'),
        Buffer.from('1|5', 'utf8').toString('base64url'),
        Buffer.from('2026|5', 'utf8').toString('base64url'),
        Buffer.from('March 7, 2026|5', 'utf8').toString('base64url'),
        Buffer.from('99999-01-01T00:00:00Z|5', 'utf8').toString('base64url'),
        Buffer.from("2026-01-01T00:00:00Z'|5", 'utf8').toString('base64url'),
      ];
      for (const cursor of garbage) {
        const answer = await h.call('GET', `/v1/admin/audit?cursor=${encodeAll(cursor)}`);
        expectFields(answer, 'cursor');
      }
      expect((await h.call('GET', '/v1/admin/audit?limit=1&since=2026-01-01T00:00:00Z')).statusCode).toBe(
        200,
      );
    });

    it('pages the audit log with its own cursors to the end, newest first, each row once', async () => {
      for (const name of ['page-a', 'page-b', 'page-c']) {
        tick();
        expect((await h.call('POST', '/v1/admin/tenants/acme/keys', { name })).statusCode).toBe(201);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?resourceType=key&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await h.call('GET', `/v1/admin/audit${query}`)).json();
        seen.push(...page.items.map((row: { id: string }) => row.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      const [count] = await h.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE resource_type = 'key'`,
      );
      expect(seen).toHaveLength(count?.n ?? -1);
    });
  });

  describe('agent import sizes and duplicates', () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        username: `agent.${String(i).padStart(5, '0')}`,
        displayName: `Agent number ${i}`,
        password: `password-${i}`,
      }));

    it('checks a full 5000-row import (a dry run), and refuses 5001 rows naming agents', async () => {
      tick();
      const full = await h.call('POST', '/v1/admin/tenants/acme/agents/import', {
        agents: rows(5000),
        dryRun: true,
      });
      expect(full.statusCode, full.body.slice(0, 300)).toBe(200);
      expect(full.json()).toMatchObject({ created: 5000, skipped: [], applied: false });
      tick();
      expectFields(
        await h.call('POST', '/v1/admin/tenants/acme/agents/import', { agents: rows(5001), dryRun: true }),
        'agents',
      );
    });

    it('refuses duplicates inside the file and creates nothing', async () => {
      tick();
      const [first, second] = rows(2);
      const answer = await h.call('POST', '/v1/admin/tenants/acme/agents/import', {
        agents: [first, second, { ...first, username: first?.username, displayName: 'Again' }],
      });
      expectFields(answer, 'agents.2.username');
      tick();
      expectFields(
        await h.call('POST', '/v1/admin/tenants/acme/agents/import', { agents: [first, null, 'x', [1]] }),
        'agents.1',
        'agents.2',
        'agents.3',
      );
      const [made] = await h.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM agent WHERE username LIKE 'agent.%'`,
      );
      expect(made?.n).toBe(0);
    });
  });

  describe('signatures, sessions and revocation', () => {
    /** Sends exactly the same signed request (same headers, same bytes) `times` times. */
    const sendSigned = async (
      key: TestOperatorKey,
      method: AdminMethod,
      path: string,
      body: unknown,
      options: { timestampMs?: number; signedPath?: string } = {},
    ) => {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const headers = {
        ...signatureHeaders(key.keyId, key.secret, {
          timestamp: Math.floor((options.timestampMs ?? h.clock.ms) / 1000),
          method,
          pathWithQuery: options.signedPath ?? path,
          body: payload,
        }),
        'content-type': 'application/json',
      };
      return () => h.app.inject({ method, url: path, headers, ...(payload ? { payload } : {}) });
    };

    it('takes a signed POST once: the same request again is 409 replayed-request, and no second key', async () => {
      tick();
      const sentAt = h.clock.ms;
      const send = await sendSigned(h.acme.key, 'POST', '/v1/admin/tenants/acme/keys', { name: 'once' });
      const first = await send();
      expect(first.statusCode).toBe(201);
      secrets.push(first.json().secret);
      expectProblem(await send(), 409, 'replayed-request');
      h.clock.ms += 60_000;
      expectProblem(await send(), 409, 'replayed-request');
      // The captured signature dressed up differently is still the same request.
      const captured = signatureHeaders(h.acme.key.keyId, h.acme.key.secret, {
        timestamp: Math.floor(sentAt / 1000),
        method: 'POST',
        pathWithQuery: '/v1/admin/tenants/acme/keys',
        body: JSON.stringify({ name: 'once' }),
      });
      const signature = String(captured['pronto-signature']);
      for (const variant of [
        signature.toUpperCase().replace('V1=', 'v1='),
        `v1=00ff, ${signature}`,
        `${signature}0`,
      ]) {
        const again = await h.app.inject({
          method: 'POST',
          url: '/v1/admin/tenants/acme/keys',
          headers: { ...captured, 'content-type': 'application/json', 'pronto-signature': variant },
          payload: JSON.stringify({ name: 'once' }),
        });
        expectProblem(again, 409, 'replayed-request');
      }
      const keys = (await h.call('GET', '/v1/admin/tenants/acme/keys')).json().items;
      expect(keys.filter((key: { name: string }) => key.name === 'once')).toHaveLength(1);
    });

    it('refuses a signature 10 minutes old or 10 minutes ahead, and one made over another path', async () => {
      tick();
      const old = await sendSigned(
        h.admin,
        'POST',
        '/v1/admin/tenants',
        { slug: 'stale', name: 'Stale' },
        {
          timestampMs: h.clock.ms - 600_000,
        },
      );
      expectProblem(await old(), 401, 'unauthorized');
      const ahead = await sendSigned(
        h.admin,
        'POST',
        '/v1/admin/tenants',
        { slug: 'ahead', name: 'Ahead' },
        {
          timestampMs: h.clock.ms + 600_000,
        },
      );
      expectProblem(await ahead(), 401, 'unauthorized');
      const elsewhere = await sendSigned(
        h.acme.key,
        'POST',
        '/v1/admin/tenants/globex/keys',
        { name: 'x' },
        {
          signedPath: '/v1/admin/tenants/acme/keys',
        },
      );
      expectProblem(await elsewhere(), 401, 'unauthorized');
      const queryChanged = await sendSigned(h.admin, 'GET', '/v1/admin/audit?tenant=globex', undefined, {
        signedPath: '/v1/admin/audit?tenant=acme',
      });
      expectProblem(await queryChanged(), 401, 'unauthorized');
      const slugs = (await h.call('GET', '/v1/admin/tenants'))
        .json()
        .items.map((t: { slug: string }) => t.slug);
      expect(slugs).not.toContain('stale');
      expect(slugs).not.toContain('ahead');
    });

    it('refuses a session change without Origin or from a foreign one (403 forbidden-origin), reads a GET', async () => {
      for (const origin of [
        undefined,
        FOREIGN,
        'null',
        `${CONSOLE}.evil.example`,
        'http://console.pronto.test',
      ]) {
        tick();
        const post = await sessionCall(
          h,
          acmeCookie,
          'POST',
          '/v1/admin/tenants/acme/keys',
          { name: 'csrf' },
          origin,
        );
        expectProblem(post, 403, 'forbidden-origin');
        const patch = await sessionCall(
          h,
          acmeCookie,
          'PATCH',
          '/v1/admin/tenants/acme/managers/acme.desk',
          {
            displayName: 'CSRF',
          },
          origin,
        );
        expectProblem(patch, 403, 'forbidden-origin');
      }
      const read = await sessionCall(h, acmeCookie, 'GET', '/v1/admin/tenants/acme/keys', undefined, FOREIGN);
      expect(read.statusCode).toBe(200);
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
      tick();
      const fromConsole = await sessionCall(
        h,
        acmeCookie,
        'POST',
        '/v1/admin/tenants/acme/keys',
        { name: 'ok' },
        CONSOLE,
      );
      expect(fromConsole.statusCode).toBe(201);
      secrets.push(fromConsole.json().secret);
      const names = read.json().items.map((key: { name: string }) => key.name);
      expect(names).not.toContain('csrf');
    });

    it("refuses an agent's session with 403 forbidden", async () => {
      await createAgent(h.db.prisma, {
        tenantId: h.acme.id,
        username: 'desk.agent',
        displayName: 'Desk',
        password: 'agent-pass-9',
        groups: [],
      });
      secrets.push('agent-pass-9');
      const agents = createSessions({ role: AGENT_ROLE, sql: h.db.sql, now: () => new Date(h.clock.ms) });
      const signedIn = await agents.signIn('desk.agent', 'agent-pass-9');
      const answer = await sessionCall(
        h,
        `pronto_agent=${signedIn?.token}`,
        'GET',
        '/v1/admin/tenants/acme/keys',
      );
      expectProblem(answer, 403, 'forbidden');
    });

    it("refuses a client's event key on every admin route, HEAD included", async () => {
      tick();
      const issued = await h.call('POST', '/v1/admin/tenants/acme/keys', { name: 'events only' });
      const client = { keyId: issued.json().keyId, secret: issued.json().secret };
      secrets.push(client.secret);
      for (const [method, path] of [
        ['GET', '/v1/admin/whoami'],
        ['GET', '/v1/admin/tenants/acme'],
        ['HEAD', '/v1/admin/tenants/acme/keys'],
        ['POST', '/v1/admin/tenants/acme/keys'],
      ] as const) {
        tick();
        const headers = signatureHeaders(client.keyId, client.secret, {
          timestamp: Math.floor(h.clock.ms / 1000),
          method,
          pathWithQuery: path,
          body: '',
        });
        const answer = await h.app.inject({ method, url: path, headers });
        expect(answer.statusCode, `${method} ${path}`).toBe(401);
        if (method !== 'HEAD') expectProblem(answer, 401, 'unauthorized');
      }
      const keys = (await h.call('GET', '/v1/admin/tenants/acme/keys')).json().items;
      expect(keys.filter((key: { name: string | null }) => key.name === null)).toEqual([]);
    });

    it('answers 401 at once to a revoked operator key', async () => {
      tick();
      const issued = await h.call('POST', '/v1/admin/operator-keys', {
        role: 'manager',
        tenant: 'acme',
        name: 'ci',
      });
      expect(issued.statusCode).toBe(201);
      const key = { keyId: issued.json().keyId, secret: issued.json().secret };
      secrets.push(key.secret);
      expect((await h.call('GET', '/v1/admin/tenants/acme', undefined, { key })).statusCode).toBe(200);
      tick();
      expect((await h.call('POST', `/v1/admin/operator-keys/${key.keyId}/revoke`)).statusCode).toBe(200);
      expectProblem(await h.call('GET', '/v1/admin/tenants/acme', undefined, { key }), 401, 'unauthorized');
      tick();
      expectProblem(await h.call('POST', '/v1/admin/tenants/acme/keys', { name: 'after' }, { key }), 401);
      tick();
      expectProblem(await h.call('POST', `/v1/admin/operator-keys/${key.keyId}/revoke`), 409, 'conflict');
      tick();
      expectProblem(await h.call('POST', '/v1/admin/operator-keys/op_nothing/revoke'), 404, 'not-found');
    });

    it("answers 401 to a disabled tenant's manager key and manager session", async () => {
      tick();
      expect((await h.call('PATCH', '/v1/admin/tenants/acme', { disabled: true })).statusCode).toBe(200);
      expectProblem(await h.call('GET', '/v1/admin/tenants/acme', undefined, { key: h.acme.key }), 401);
      expectProblem(await sessionCall(h, acmeCookie, 'GET', '/v1/admin/tenants/acme'), 401);
      tick();
      expectProblem(
        await sessionCall(h, acmeCookie, 'POST', '/v1/admin/tenants/acme/keys', { name: 'x' }, CONSOLE),
        401,
      );
      tick();
      expect((await h.call('PATCH', '/v1/admin/tenants/acme', { disabled: false })).statusCode).toBe(200);
      expect((await h.call('GET', '/v1/admin/tenants/acme', undefined, { key: h.acme.key })).statusCode).toBe(
        200,
      );
    });

    it('writes no secret or password to a log line, an audit row or a list', async () => {
      tick();
      const created = await h.call(
        'POST',
        '/v1/admin/tenants/globex/keys',
        { name: 'logged?' },
        { key: h.globex.key },
      );
      secrets.push(created.json().secret);
      tick();
      const rotated = await h.call('POST', `/v1/admin/tenants/globex/keys/${created.json().keyId}/rotate`, {
        graceSeconds: 0,
      });
      secrets.push(rotated.json().secret);
      tick();
      await h.call('POST', '/v1/admin/tenants/globex/managers', {
        username: 'gx.pw',
        password: 'manager-pass-77',
      });
      tick();
      await h.call('POST', '/v1/admin/tenants/globex/managers/gx.pw/password', {
        password: 'manager-pass-88',
      });
      tick();
      await h.call('POST', '/v1/admin/admins', { username: 'root.two', password: 'admin-pass-99' });
      tick();
      await h.call('POST', '/v1/admin/tenants/globex/agents', {
        username: 'gx.logged',
        displayName: 'Logged',
        password: 'agent-pass-55',
      });
      tick();
      await h.call('POST', '/v1/admin/tenants/globex/agents/gx.logged/password', {
        password: 'agent-pass-66',
      });
      // A refused body carrying a password must not be echoed into the logs either.
      tick();
      await h.call('POST', '/v1/admin/tenants/globex/managers', {
        username: 'X',
        password: 'refused-pass-44',
      });
      tick();
      await h.call('POST', '/v1/admin/tenants/globex/agents/import', {
        agents: [{ username: 'gx.bulk', displayName: 'Bulk', password: 'bulk-pass-33' }],
      });
      secrets.push(
        'manager-pass-77',
        'manager-pass-88',
        'admin-pass-99',
        'agent-pass-55',
        'agent-pass-66',
        'refused-pass-44',
        'bulk-pass-33',
      );
      const [audit] = await h.db.sql.query<{ text: string }>(
        `SELECT coalesce(string_agg(coalesce(before::text, '') || coalesce(after::text, ''), ' '), '') AS text FROM audit_log`,
      );
      const logs = lines.join('\n');
      expect(lines.length).toBeGreaterThan(0);
      const lists = [
        (await h.call('GET', '/v1/admin/operator-keys')).body,
        (await h.call('GET', '/v1/admin/tenants/globex/keys')).body,
        (await h.call('GET', '/v1/admin/audit?limit=500')).body,
      ].join('\n');
      for (const secret of secrets) {
        expect(logs, 'a log line').not.toContain(secret);
        expect(audit?.text, 'an audit row').not.toContain(secret);
        expect(lists, 'a list').not.toContain(secret);
      }
      expect(audit?.text).not.toMatch(/password|secret|ciphertext/i);
    });
  });
});
