import { AGENT_ROLE, createSessions, MANAGER_ROLE } from '@pronto/http';
import { createAgent } from '@pronto/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from '../testing/admin-harness.ts';

const PASSWORDS = ['first-pass-1234', 'second-pass-5678', 'admin-pass-9012', 'globex-pass-3456'];

interface AuditItem {
  id: string;
  at: string;
  tenant: string | null;
  actor: string;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before: unknown;
  after: unknown;
}

describe('the admin API: managers, admins and the audit log', () => {
  let h: AdminHarness;
  const tick = () => {
    h.clock.ms += 1000;
  };
  const managerSessions = () =>
    createSessions({ role: MANAGER_ROLE, sql: h.db.sql, now: () => new Date(h.clock.ms) });
  const withCookie = (cookie: string, url: string) =>
    h.app.inject({ method: 'GET', url, headers: { cookie } });
  const audit = async (query: string, key = h.admin) => {
    const answer = await h.call('GET', `/v1/admin/audit${query}`, undefined, { key });
    expect(answer.statusCode).toBe(200);
    return answer.json<{ items: AuditItem[]; nextCursor: string | null }>();
  };

  beforeAll(async () => {
    h = await startAdminHarness();
  });
  afterAll(async () => h?.close());

  it('creates, renames, disables and re-enables a manager, and sets its password', async () => {
    tick();
    const created = await h.call(
      'POST',
      '/v1/admin/tenants/acme/managers',
      { username: 'anna.k', displayName: 'Anna K', password: PASSWORDS[0] },
      { key: h.acme.key },
    );
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      username: 'anna.k',
      displayName: 'Anna K',
      disabled: false,
      createdAt: new Date(h.clock.ms).toISOString(),
    });
    tick();
    const renamed = await h.call('PATCH', '/v1/admin/tenants/acme/managers/anna.k', {
      displayName: 'Anna Kowalska',
    });
    expect(renamed.json()).toMatchObject({ displayName: 'Anna Kowalska', disabled: false });
    tick();
    const disabled = await h.call('PATCH', '/v1/admin/tenants/acme/managers/anna.k', { disabled: true });
    expect(disabled.json().disabled).toBe(true);
    expect(await managerSessions().signIn('anna.k', PASSWORDS[0] as string)).toBeUndefined();
    tick();
    await h.call('PATCH', '/v1/admin/tenants/acme/managers/anna.k', { disabled: false });
    tick();
    const password = await h.call('POST', '/v1/admin/tenants/acme/managers/anna.k/password', {
      password: PASSWORDS[1],
    });
    expect(password.statusCode).toBe(204);
    expect(await managerSessions().signIn('anna.k', PASSWORDS[0] as string)).toBeUndefined();
    expect(await managerSessions().signIn('anna.k', PASSWORDS[1] as string)).toBeDefined();

    const list = await h.call('GET', '/v1/admin/tenants/acme/managers', undefined, { key: h.acme.key });
    expect(list.json().items).toEqual([
      expect.objectContaining({ username: 'anna.k', displayName: 'Anna Kowalska' }),
    ]);
    const actions = (await audit('?resourceType=manager&resourceId=anna.k')).items.map((row) => row.action);
    expect(actions).toEqual([
      'manager.password',
      'manager.enable',
      'manager.disable',
      'manager.update',
      'manager.create',
    ]);
  });

  it('refuses a taken username with 409 and a short password with 400, naming the field', async () => {
    tick();
    const taken = await h.call('POST', '/v1/admin/tenants/globex/managers', {
      username: 'anna.k',
      password: PASSWORDS[3],
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().errors[0].field).toBe('username');
    tick();
    const short = await h.call('POST', '/v1/admin/tenants/globex/managers', {
      username: 'bob',
      password: 'short',
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors.map((e: { field: string }) => e.field)).toEqual(['password']);
  });

  it("ends a manager's console session at once when it is disabled", async () => {
    const signedIn = await managerSessions().signIn('anna.k', PASSWORDS[1] as string);
    const cookie = `pronto_manager=${signedIn?.token}`;
    const whoami = await withCookie(cookie, '/v1/admin/whoami');
    expect(whoami.json()).toEqual({ role: 'manager', tenant: 'acme', actor: 'manager:anna.k' });
    tick();
    await h.call('PATCH', '/v1/admin/tenants/acme/managers/anna.k', { disabled: true });
    expect((await withCookie(cookie, '/v1/admin/whoami')).statusCode).toBe(401);
    tick();
    await h.call('PATCH', '/v1/admin/tenants/acme/managers/anna.k', { disabled: false });
  });

  it("refuses an agent's session with 403 forbidden", async () => {
    await createAgent(h.db.prisma, {
      tenantId: h.acme.id,
      username: 'agent.one',
      displayName: 'Agent One',
      password: 'agent-pass-1234',
      groups: [],
    });
    const agents = createSessions({ role: AGENT_ROLE, sql: h.db.sql, now: () => new Date(h.clock.ms) });
    const signedIn = await agents.signIn('agent.one', 'agent-pass-1234');
    for (const url of ['/v1/admin/whoami', '/v1/admin/tenants', '/v1/admin/tenants/acme/managers']) {
      const answer = await withCookie(`pronto_agent=${signedIn?.token}`, url);
      expect(answer.statusCode).toBe(403);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json().type).toBe('/problems/forbidden');
    }
  });

  it('creates and manages admins, for admins only', async () => {
    tick();
    const created = await h.call('POST', '/v1/admin/admins', {
      username: 'root.admin',
      displayName: 'Root',
      password: PASSWORDS[2],
    });
    expect(created.statusCode).toBe(201);
    const signedIn = await managerSessions().signIn('root.admin', PASSWORDS[2] as string);
    const whoami = await withCookie(`pronto_manager=${signedIn?.token}`, '/v1/admin/whoami');
    expect(whoami.json()).toEqual({ role: 'admin', tenant: null, actor: 'admin:root.admin' });
    tick();
    expect(
      (await h.call('PATCH', '/v1/admin/admins/root.admin', { displayName: 'Root Admin' })).statusCode,
    ).toBe(200);
    tick();
    const password = await h.call('POST', '/v1/admin/admins/root.admin/password', { password: PASSWORDS[3] });
    expect(password.statusCode).toBe(204);
    expect((await withCookie(`pronto_manager=${signedIn?.token}`, '/v1/admin/whoami')).statusCode).toBe(401);
    expect((await h.call('GET', '/v1/admin/admins')).json().items).toEqual([
      expect.objectContaining({ username: 'root.admin', displayName: 'Root Admin', disabled: false }),
    ]);
    // A tenant's manager is not an admin, and an admin is no tenant's manager.
    expect((await h.call('PATCH', '/v1/admin/admins/anna.k', { displayName: 'x' })).statusCode).toBe(404);
    expect(
      (await h.call('PATCH', '/v1/admin/tenants/acme/managers/root.admin', { displayName: 'x' })).statusCode,
    ).toBe(404);
    for (const [method, path, body] of [
      ['GET', '/v1/admin/admins', undefined],
      ['POST', '/v1/admin/admins', { username: 'sneaky', password: PASSWORDS[3] }],
      ['PATCH', '/v1/admin/admins/root.admin', { disabled: true }],
      ['POST', '/v1/admin/admins/root.admin/password', { password: PASSWORDS[3] }],
    ] as const) {
      tick();
      expect((await h.call(method, path, body, { key: h.acme.key })).statusCode).toBe(403);
    }
    const audited = await audit('?resourceType=admin');
    expect(audited.items.map((row) => [row.action, row.tenant])).toEqual([
      ['admin.password', null],
      ['admin.update', null],
      ['admin.create', null],
    ]);
  });

  it("gives acme's manager 404 for globex's managers and audit rows", async () => {
    tick();
    await h.call('POST', '/v1/admin/tenants/globex/managers', { username: 'gary', password: PASSWORDS[3] });
    const acme = { key: h.acme.key };
    for (const [method, path, body] of [
      ['GET', '/v1/admin/tenants/globex/managers', undefined],
      ['POST', '/v1/admin/tenants/globex/managers', { username: 'intruder', password: PASSWORDS[3] }],
      ['PATCH', '/v1/admin/tenants/globex/managers/gary', { disabled: true }],
      ['POST', '/v1/admin/tenants/globex/managers/gary/password', { password: PASSWORDS[3] }],
      ['GET', '/v1/admin/audit?tenant=globex', undefined],
    ] as const) {
      tick();
      const answer = await h.call(method, path, body, acme);
      expect(answer.statusCode).toBe(404);
      expect(answer.json().type).toBe('/problems/not-found');
    }
    const own = await audit('', h.acme.key);
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((row) => row.tenant === 'acme')).toBe(true);
    const all = await audit('?limit=500');
    expect(new Set(all.items.map((row) => row.tenant))).toEqual(new Set(['acme', 'globex', null]));
  });

  it('filters the audit log by tenant, action, resource, actor and time', async () => {
    const all = (await audit('?limit=500')).items;
    expect(all.length).toBeGreaterThan(10);
    const sorted = [...all].sort((a, b) => b.at.localeCompare(a.at) || Number(b.id) - Number(a.id));
    expect(all).toEqual(sorted);

    expect((await audit('?tenant=globex')).items.map((row) => [row.action, row.resourceId])).toEqual([
      ['manager.create', 'gary'],
    ]);
    const disables = (await audit('?action=manager.disable')).items;
    expect(disables.length).toBe(2);
    expect(disables.every((row) => row.action === 'manager.disable' && row.tenant === 'acme')).toBe(true);
    expect(disables[0]).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
    expect((await audit('?resourceType=admin&resourceId=root.admin')).items.length).toBe(3);
    const byAcmeKey = (await audit(`?actor=key:${h.acme.key.keyId}`)).items;
    expect(byAcmeKey.map((row) => row.action)).toEqual(['manager.create']);
    expect(byAcmeKey[0]).toMatchObject({ actorRole: 'manager', tenant: 'acme', resourceType: 'manager' });

    const middle = all[Math.floor(all.length / 2)] as AuditItem;
    const since = (await audit(`?since=${middle.at}&limit=500`)).items;
    const until = (await audit(`?until=${middle.at}&limit=500`)).items;
    expect(since.length + until.length).toBe(all.length);
    expect(since.every((row) => row.at >= middle.at)).toBe(true);
    expect(until.every((row) => row.at < middle.at)).toBe(true);
    const window = (
      await audit(`?since=${middle.at}&until=${encodeURIComponent(middle.at.replace(/Z$/, '+00:00'))}`)
    ).items;
    expect(window).toEqual([]);
  });

  it('pages the audit log with a cursor: every row once, newest first', async () => {
    const all = (await audit('?limit=500')).items;
    const seen: AuditItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AuditItem[]; nextCursor: string | null } = await audit(
        `?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const last = await audit(`?limit=${all.length}`);
    expect(last.nextCursor).toBeNull();
  });

  it('refuses a bad since, until, limit or cursor with 400 naming it', async () => {
    for (const [query, field] of [
      ['since=yesterday', 'since'],
      ['since=2026-13-01T00:00:00Z', 'since'],
      ['until=2026-03-01', 'until'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=nonsense', 'cursor'],
    ]) {
      const answer = await h.call('GET', `/v1/admin/audit?${query}`);
      expect(answer.statusCode, query).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json().errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
  });

  it('writes no audit row for reads, and no password into any row', async () => {
    const count = async () =>
      Number((await h.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]?.n);
    const before = await count();
    for (const path of ['/v1/admin/tenants/acme/managers', '/v1/admin/admins', '/v1/admin/audit']) {
      expect((await h.call('GET', path)).statusCode).toBe(200);
      expect((await h.call('GET', path)).statusCode).toBe(200);
    }
    tick();
    expect(
      (await h.call('PATCH', '/v1/admin/tenants/acme/managers/anna.k', { displayName: 'Anna Kowalska' }))
        .statusCode,
    ).toBe(200);
    expect(await count()).toBe(before);
    const rows = await h.db.sql.query('SELECT before, after, actor, resource_id FROM audit_log');
    const text = JSON.stringify(rows);
    for (const secret of [...PASSWORDS, h.admin.secret, h.acme.key.secret, 'scrypt$']) {
      expect(text).not.toContain(secret);
    }
  });
});
