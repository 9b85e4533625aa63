import type { Database } from '@pronto/db';
import { openTestDatabase } from '@pronto/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from './agent-password.ts';
import { createAgent } from './create-agent.ts';
import { createTenant } from './create-tenant.ts';

let db: Database;
beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => db.close());

describe('createAgent', () => {
  it('creates an offline agent whose password is kept only as a hash that verifies', async () => {
    const tenant = await createTenant(db.prisma, { slug: 'bank', name: 'Bank' });
    const agent = await createAgent(db.prisma, {
      tenantId: tenant.id,
      username: 'anna',
      displayName: 'Anna Nowak',
      password: 's3cret-pass',
      groups: ['loans', 'backup'],
      sipEndpoint: 'PJSIP/anna',
    });
    const stored = await db.prisma.agent.findUniqueOrThrow({ where: { username: 'anna' } });
    expect(stored).toMatchObject({
      id: agent.id,
      tenantId: tenant.id,
      displayName: 'Anna Nowak',
      groups: ['loans', 'backup'],
      sipEndpoint: 'PJSIP/anna',
      state: 'offline',
    });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain('s3cret-pass');
    expect(await verifyPassword('s3cret-pass', stored.passwordHash)).toBe(true);
  });

  it('refuses a username that is taken, in any tenant', async () => {
    const first = await createTenant(db.prisma, { slug: 'one', name: 'One' });
    const second = await createTenant(db.prisma, { slug: 'two', name: 'Two' });
    const agent = { username: 'sam', displayName: 'Sam', password: 'pw', groups: [] };
    await createAgent(db.prisma, { ...agent, tenantId: first.id });
    await expect(createAgent(db.prisma, { ...agent, tenantId: second.id })).rejects.toThrow();
  });
});
