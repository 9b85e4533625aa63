import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAdminKey } from './seed-admin-key.ts';

describe('seedAdminKey', () => {
  const box = createSecretBox(randomBytes(32));
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let dataDir: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'pronto-admin-key-'));
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const readKeyFile = async () => JSON.parse(await readFile(join(dataDir, 'admin-key'), 'utf8'));

  it('issues an admin key on first start and keeps it on later ones, at the current URL', async () => {
    const first = await seedAdminKey(db.sql, box, { dataDir, url: 'http://127.0.0.1:8080' });
    const written = await readKeyFile();
    expect(written).toEqual({ url: 'http://127.0.0.1:8080', keyId: first.keyId, secret: expect.any(String) });
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    const [row] = await db.sql.query<{ role: string; name: string }>(
      'SELECT role, name FROM operator_key WHERE id = $1',
      [first.keyId],
    );
    expect(row).toEqual({ role: 'admin', name: 'embedded bootstrap' });

    const again = await seedAdminKey(db.sql, box, { dataDir, url: 'http://127.0.0.1:9090' });
    expect(again.keyId).toBe(first.keyId);
    expect(await readKeyFile()).toEqual({ ...written, url: 'http://127.0.0.1:9090' });
  });

  it('issues a new key when the file is gone or its key was revoked', async () => {
    const before = await readKeyFile();
    await rm(join(dataDir, 'admin-key'));
    const afterLoss = await seedAdminKey(db.sql, box, { dataDir, url: 'http://127.0.0.1:8080' });
    expect(afterLoss.keyId).not.toBe(before.keyId);

    await db.sql.query('UPDATE operator_key SET revoked_at = now() WHERE id = $1', [afterLoss.keyId]);
    const afterRevoke = await seedAdminKey(db.sql, box, { dataDir, url: 'http://127.0.0.1:8080' });
    expect(afterRevoke.keyId).not.toBe(afterLoss.keyId);
  });
});
