import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './agent-password.ts';

describe('hashPassword', () => {
  it('stores scrypt parameters, a 16-byte salt and a 32-byte key, never the password', async () => {
    const stored = await hashPassword('correct horse');
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64url')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');
  });

  it('salts every hash, so one password hashes differently each time', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
});

describe('verifyPassword', () => {
  it('accepts the password and refuses any other', async () => {
    const stored = await hashPassword('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsf', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('reads the parameters from the hash, so hashes made with other costs still verify', async () => {
    const key = scryptSync('pw', 'salt', 32, { N: 1024, r: 8, p: 1 }).toString('base64url');
    const cheaper = `scrypt$1024$8$1$${Buffer.from('salt').toString('base64url')}$${key}`;
    expect(await verifyPassword('pw', cheaper)).toBe(true);
    expect(await verifyPassword('px', cheaper)).toBe(false);
  });

  it('refuses malformed hashes instead of throwing', async () => {
    for (const stored of [
      '',
      'plain',
      'bcrypt$1$2$3$salt$hash',
      'scrypt$x$8$1$c2FsdA$aGFzaA',
      'scrypt$1024$8$1$c2FsdA$',
    ]) {
      expect(await verifyPassword('pw', stored)).toBe(false);
    }
  });
});
