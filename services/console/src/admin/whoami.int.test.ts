import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from '../testing/admin-harness.ts';

describe('the admin API: who may call it', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness();
  });
  afterAll(async () => h?.close());

  it('tells an admin key and a manager key apart', async () => {
    const admin = await h.call('GET', '/v1/admin/whoami');
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toEqual({ role: 'admin', tenant: null, actor: `key:${h.admin.keyId}` });
    const manager = await h.call('GET', '/v1/admin/whoami', undefined, { key: h.acme.key });
    expect(manager.json()).toEqual({ role: 'manager', tenant: 'acme', actor: `key:${h.acme.key.keyId}` });
  });

  it('refuses an unsigned call, a wrong secret and a revoked key with 401 problem+json', async () => {
    const unsigned = await h.app.inject({ method: 'GET', url: '/v1/admin/whoami' });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.headers['content-type']).toContain('application/problem+json');
    const wrong = await h.call('GET', '/v1/admin/whoami', undefined, {
      key: { keyId: h.admin.keyId, secret: 'prs_wrong' },
    });
    expect(wrong.statusCode).toBe(401);
  });
});
