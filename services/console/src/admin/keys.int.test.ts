import { createSessions, MANAGER_ROLE } from '@pronto/http';
import { startIntakeApp } from '@pronto/ingest/testing';
import { signatureHeaders } from '@pronto/signature';
import { createManager } from '@pronto/tenancy';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness, type TestOperatorKey } from '../testing/admin-harness.ts';

/** Every secret the admin API handed out in this file: none may ever reach the audit log. */
const secrets: string[] = [];
const GINA_PASSWORD = 'gina-pass-7788';

describe('the admin API: tenants, operator keys and client keys', () => {
  let h: AdminHarness;
  let ingestA: FastifyInstance;
  let ingestB: FastifyInstance;
  const ingest = () => startIntakeApp({ db: h.db, secretBox: h.box, now: () => new Date(h.clock.ms) });
  /** A client's signed read on an intake instance: 404 (not on the list) once the key is accepted, else 401. */
  const clientRead = (app: FastifyInstance, key: { keyId: string; secret: string }) => {
    const path = '/v1/dnc/%2B48600000001';
    const headers = signatureHeaders(key.keyId, key.secret, {
      timestamp: Math.floor(h.clock.ms / 1000),
      method: 'GET',
      pathWithQuery: path,
      body: '',
    });
    return app.inject({ method: 'GET', url: path, headers });
  };
  const tick = () => {
    h.clock.ms += 1000;
  };
  const createKey = async (tenant: string, name?: string, key?: TestOperatorKey) => {
    tick();
    const answer = await h.call('POST', `/v1/admin/tenants/${tenant}/keys`, name ? { name } : undefined, {
      ...(key ? { key } : {}),
    });
    expect(answer.statusCode).toBe(201);
    const created = answer.json<{ keyId: string; secret: string }>();
    secrets.push(created.secret);
    return created;
  };
  const auditRows = () => h.db.sql.query<Record<string, unknown>>('SELECT * FROM audit_log ORDER BY id');

  beforeAll(async () => {
    h = await startAdminHarness();
    secrets.push(h.admin.secret, h.acme.key.secret, h.globex.key.secret, GINA_PASSWORD);
    ingestA = await ingest();
    ingestB = await ingest();
  });
  afterAll(async () => {
    await ingestA?.close();
    await ingestB?.close();
    await h?.close();
  });

  it('creates, lists, renames, disables and enables a tenant, one audit row each', async () => {
    const created = await h.call('POST', '/v1/admin/tenants', { slug: 'initech', name: 'Initech' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      slug: 'initech',
      name: 'Initech',
      disabled: false,
      createdAt: new Date(h.clock.ms).toISOString(),
    });
    const list = await h.call('GET', '/v1/admin/tenants');
    expect(list.json().items.map((t: { slug: string }) => t.slug)).toEqual(['acme', 'globex', 'initech']);

    tick();
    const renamed = await h.call('PATCH', '/v1/admin/tenants/initech', { name: 'Initech Corp' });
    expect(renamed.json()).toMatchObject({ slug: 'initech', name: 'Initech Corp', disabled: false });
    tick();
    const disabled = await h.call('PATCH', '/v1/admin/tenants/initech', { disabled: true });
    expect(disabled.json()).toMatchObject({ name: 'Initech Corp', disabled: true });
    tick();
    expect((await h.call('PATCH', '/v1/admin/tenants/initech', { disabled: false })).json().disabled).toBe(
      false,
    );
    expect((await h.call('GET', '/v1/admin/tenants/initech')).json().name).toBe('Initech Corp');

    const rows = await h.db.sql.query<{ action: string; before: unknown; after: unknown; actor: string }>(
      `SELECT action, before, after, actor FROM audit_log WHERE resource_type = 'tenant' ORDER BY id`,
    );
    expect(rows.map((row) => row.action)).toEqual([
      'tenant.create',
      'tenant.update',
      'tenant.disable',
      'tenant.enable',
    ]);
    expect(rows[0]).toMatchObject({ before: null, after: { slug: 'initech', name: 'Initech' } });
    expect(rows[1]).toMatchObject({ before: { name: 'Initech' }, after: { name: 'Initech Corp' } });
    expect(rows[2]).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
    expect(rows.every((row) => row.actor === `key:${h.admin.keyId}`)).toBe(true);
  });

  it('answers 409 naming slug for a taken slug, 400 naming slug for a bad one', async () => {
    tick();
    const taken = await h.call('POST', '/v1/admin/tenants', { slug: 'acme', name: 'Again' });
    expect(taken.statusCode).toBe(409);
    expect(taken.headers['content-type']).toContain('application/problem+json');
    expect(taken.json().errors).toEqual([expect.objectContaining({ field: 'slug' })]);
    for (const slug of ['Acme', '-acme', 'a', 'a'.repeat(41), 'ac me']) {
      tick();
      const bad = await h.call('POST', '/v1/admin/tenants', { slug, name: 'Bad' });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['slug']);
    }
  });

  it('creates an operator key whose secret works once shown, and revokes it at once', async () => {
    const created = await h.call('POST', '/v1/admin/operator-keys', {
      role: 'manager',
      tenant: 'acme',
      name: 'ci pipeline',
    });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    secrets.push(key.secret);
    expect(key).toMatchObject({ role: 'manager', tenant: 'acme', name: 'ci pipeline', revokedAt: null });
    expect(key.secret).toMatch(/^prs_/);
    const mine = { keyId: key.keyId, secret: key.secret };
    expect((await h.call('GET', '/v1/admin/whoami', undefined, { key: mine })).json().tenant).toBe('acme');

    const listed = await h.call('GET', '/v1/admin/operator-keys?tenant=acme');
    const items = listed.json().items;
    expect(items.map((k: { keyId: string }) => k.keyId).sort()).toEqual([h.acme.key.keyId, key.keyId].sort());
    expect(JSON.stringify(listed.json())).not.toContain(key.secret);

    tick();
    const revoked = await h.call('POST', `/v1/admin/operator-keys/${key.keyId}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toBe(new Date(h.clock.ms).toISOString());
    expect((await h.call('GET', '/v1/admin/whoami', undefined, { key: mine })).statusCode).toBe(401);
    tick();
    expect((await h.call('POST', `/v1/admin/operator-keys/${key.keyId}/revoke`)).statusCode).toBe(409);
  });

  it('refuses a manager key without a tenant, an admin key with one, naming tenant', async () => {
    const manager = await h.call('POST', '/v1/admin/operator-keys', { role: 'manager' });
    expect(manager.statusCode).toBe(400);
    expect(manager.json().errors[0].field).toBe('tenant');
    const admin = await h.call('POST', '/v1/admin/operator-keys', { role: 'admin', tenant: 'acme' });
    expect(admin.statusCode).toBe(400);
    expect(admin.json().errors[0].field).toBe('tenant');
  });

  it('creates a client key that signs events on the intake API', async () => {
    const key = await createKey('acme', 'website');
    expect(key.keyId).toMatch(/^key_[0-9a-f]{16}$/);
    expect(key).toMatchObject({
      name: 'website',
      rotatedAt: null,
      previousValidUntil: null,
      revokedAt: null,
    });
    expect((await clientRead(ingestA, key)).statusCode).toBe(404);
    const list = await h.call('GET', '/v1/admin/tenants/acme/keys', undefined, { key: h.acme.key });
    expect(list.json().items).toEqual([expect.objectContaining({ keyId: key.keyId, name: 'website' })]);
    expect(JSON.stringify(list.json())).not.toContain(key.secret);
  });

  it('rotates a client key: the old secret holds for its grace only, the new one at once', async () => {
    const old = await createKey('acme');
    tick();
    const rotated = await h.call(
      'POST',
      `/v1/admin/tenants/acme/keys/${old.keyId}/rotate`,
      { graceSeconds: 600 },
      { key: h.acme.key },
    );
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json();
    secrets.push(fresh.secret);
    expect(fresh.secret).not.toBe(old.secret);
    expect(fresh.rotatedAt).toBe(new Date(h.clock.ms).toISOString());
    expect(fresh.previousValidUntil).toBe(new Date(h.clock.ms + 600_000).toISOString());

    expect((await clientRead(ingestA, { keyId: old.keyId, secret: fresh.secret })).statusCode).toBe(404);
    expect((await clientRead(ingestA, old)).statusCode).toBe(404);
    h.clock.ms += 599_000;
    expect((await clientRead(ingestB, old)).statusCode).toBe(404);
    h.clock.ms += 1_000;
    expect((await clientRead(ingestA, old)).statusCode).toBe(401);
    expect((await clientRead(ingestB, old)).statusCode).toBe(401);
    expect((await clientRead(ingestB, { keyId: old.keyId, secret: fresh.secret })).statusCode).toBe(404);
  });

  it('rotates with a day of grace by default, and refuses graceSeconds out of range naming it', async () => {
    const key = await createKey('acme');
    tick();
    const rotated = await h.call('POST', `/v1/admin/tenants/acme/keys/${key.keyId}/rotate`);
    expect(rotated.statusCode).toBe(200);
    secrets.push(rotated.json().secret);
    expect(rotated.json().previousValidUntil).toBe(new Date(h.clock.ms + 86_400_000).toISOString());
    for (const graceSeconds of [-1, 604_801, 1.5, 'soon']) {
      tick();
      const bad = await h.call('POST', `/v1/admin/tenants/acme/keys/${key.keyId}/rotate`, { graceSeconds });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['graceSeconds']);
    }
  });

  it('revokes a client key: another intake instance refuses it on its next request', async () => {
    const key = await createKey('acme');
    expect((await clientRead(ingestA, key)).statusCode).toBe(404);
    expect((await clientRead(ingestB, key)).statusCode).toBe(404);
    tick();
    const revoked = await h.call('POST', `/v1/admin/tenants/acme/keys/${key.keyId}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toBe(new Date(h.clock.ms).toISOString());
    expect((await clientRead(ingestB, key)).statusCode).toBe(401);
    expect((await clientRead(ingestA, key)).statusCode).toBe(401);
    tick();
    expect((await h.call('POST', `/v1/admin/tenants/acme/keys/${key.keyId}/rotate`)).statusCode).toBe(409);
    tick();
    expect((await h.call('POST', `/v1/admin/tenants/acme/keys/${key.keyId}/revoke`)).statusCode).toBe(409);
  });

  it("refuses a disabled tenant's client key, manager key and manager session, and takes them again once enabled", async () => {
    const client = await createKey('globex', undefined, h.globex.key);
    await createManager(h.db.sql, {
      tenantId: h.globex.id,
      username: 'gina',
      displayName: 'Gina',
      password: GINA_PASSWORD,
    });
    const sessions = createSessions({ role: MANAGER_ROLE, sql: h.db.sql, now: () => new Date(h.clock.ms) });
    const signedIn = await sessions.signIn('gina', GINA_PASSWORD);
    const cookie = `pronto_manager=${signedIn?.token}`;
    const managerRead = () => h.call('GET', '/v1/admin/tenants/globex', undefined, { key: h.globex.key });
    const sessionRead = () =>
      h.app.inject({ method: 'GET', url: '/v1/admin/tenants/globex', headers: { cookie } });
    expect((await clientRead(ingestA, client)).statusCode).toBe(404);
    expect((await managerRead()).statusCode).toBe(200);
    expect((await sessionRead()).statusCode).toBe(200);
    tick();
    expect((await h.call('PATCH', '/v1/admin/tenants/globex', { disabled: true })).statusCode).toBe(200);
    expect((await clientRead(ingestA, client)).statusCode).toBe(401);
    expect((await managerRead()).statusCode).toBe(401);
    expect((await sessionRead()).statusCode).toBe(401);
    tick();
    expect((await h.call('PATCH', '/v1/admin/tenants/globex', { disabled: false })).statusCode).toBe(200);
    expect((await clientRead(ingestB, client)).statusCode).toBe(404);
    expect((await managerRead()).statusCode).toBe(200);
    expect((await sessionRead()).json().disabled).toBe(false);
  });

  it("gives acme's manager 404 for globex's tenant and keys, 403 for the installation's routes", async () => {
    const acme = { key: h.acme.key };
    for (const path of [
      '/v1/admin/tenants/globex',
      '/v1/admin/tenants/globex/keys',
      '/v1/admin/tenants/nope',
    ]) {
      const answer = await h.call('GET', path, undefined, acme);
      expect(answer.statusCode).toBe(404);
      expect(answer.json().type).toBe('/problems/not-found');
    }
    const [globexKey] = (await h.call('GET', '/v1/admin/tenants/globex/keys')).json().items;
    tick();
    const revoke = await h.call(
      'POST',
      `/v1/admin/tenants/globex/keys/${globexKey.keyId}/revoke`,
      undefined,
      acme,
    );
    expect(revoke.statusCode).toBe(404);
    tick();
    // Its own tenant's key under another tenant's path is as unknown.
    const [acmeKey] = (await h.call('GET', '/v1/admin/tenants/acme/keys')).json().items;
    expect(
      (await h.call('POST', `/v1/admin/tenants/globex/keys/${acmeKey.keyId}/revoke`, undefined, acme))
        .statusCode,
    ).toBe(404);
    tick();
    expect((await h.call('PATCH', '/v1/admin/tenants/globex', { name: 'x' }, acme)).statusCode).toBe(404);
    expect((await h.call('GET', '/v1/admin/tenants', undefined, acme)).json().items).toEqual([
      expect.objectContaining({ slug: 'acme' }),
    ]);
    for (const [method, path, body] of [
      ['POST', '/v1/admin/tenants', { slug: 'evil', name: 'Evil' }],
      ['PATCH', '/v1/admin/tenants/acme', { name: 'Mine now' }],
      ['GET', '/v1/admin/operator-keys', undefined],
      ['POST', '/v1/admin/operator-keys', { role: 'admin' }],
      ['POST', `/v1/admin/operator-keys/${h.admin.keyId}/revoke`, undefined],
    ] as const) {
      tick();
      const answer = await h.call(method, path, body, acme);
      expect(answer.statusCode).toBe(403);
      expect(answer.json().type).toBe('/problems/forbidden');
    }
    const revoked = await h.db.sql.query(
      'SELECT 1 FROM operator_key WHERE revoked_at IS NOT NULL AND id = $1',
      [h.admin.keyId],
    );
    expect(revoked).toEqual([]);
  });

  it('documents every route of tenants and keys in the OpenAPI document', async () => {
    const answer = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(answer.statusCode).toBe(200);
    const paths = Object.keys(answer.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/admin/tenants/{tenant}',
        '/v1/admin/operator-keys/{keyId}/revoke',
        '/v1/admin/tenants/{tenant}/keys/{keyId}/rotate',
        '/v1/admin/tenants/{tenant}/managers/{manager}/password',
        '/v1/admin/admins/{manager}',
        '/v1/admin/audit',
      ]),
    );
  });

  it('writes no audit row for reads, and no secret into any row', async () => {
    const before = (await auditRows()).length;
    for (const path of [
      '/v1/admin/tenants',
      '/v1/admin/tenants/acme',
      '/v1/admin/tenants/acme/keys',
      '/v1/admin/operator-keys',
      '/v1/admin/audit',
    ]) {
      expect((await h.call('GET', path)).statusCode).toBe(200);
      expect((await h.call('GET', path)).statusCode).toBe(200);
    }
    tick();
    // A change to nothing is no change.
    expect((await h.call('PATCH', '/v1/admin/tenants/acme', { name: 'Acme Bank' })).statusCode).toBe(200);
    const rows = await auditRows();
    expect(rows.length).toBe(before);
    const keyRows = rows.filter((row) => String(row.action).startsWith('key.'));
    expect(keyRows.length).toBeGreaterThan(5);
    const text = JSON.stringify(rows, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
    expect(secrets.length).toBeGreaterThan(6);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('prs_');
    const sealed = await h.db.sql.query<{ secret: string }>(
      'SELECT secret_ciphertext AS secret FROM api_key UNION ALL SELECT secret_ciphertext FROM operator_key',
    );
    for (const { secret } of sealed) expect(text).not.toContain(secret);
  });
});
