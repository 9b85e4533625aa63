import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlQueryable } from '@pronto/db';
import { issueOperatorKey, type SecretBox } from '@pronto/tenancy';

export const ADMIN_KEY_FILE = 'admin-key';

/** <data>/admin-key: what `pronto login --key-file` reads. */
export interface AdminKeyFile {
  url: string;
  keyId: string;
  secret: string;
}

/**
 * The installation's first admin key, so that a newcomer can run `pronto login --key-file <data>/admin-key`
 * right after `npm start`. Issued on first start and found again on later ones (the file names it, and
 * the key is still an admin's and not revoked); a key that is gone, or a file that is, gets a new key.
 * The file (mode 0600) is written again each start: the URL changes with PORT.
 */
export async function seedAdminKey(
  sql: SqlQueryable,
  box: SecretBox,
  options: { dataDir: string; url: string },
): Promise<{ file: string; keyId: string }> {
  const file = join(options.dataDir, ADMIN_KEY_FILE);
  const kept = await readKept(file);
  const [row] = kept
    ? await sql.query<{ secret_ciphertext: string }>(
        `SELECT secret_ciphertext FROM operator_key WHERE id = $1 AND role = 'admin' AND revoked_at IS NULL`,
        [kept.keyId],
      )
    : [];
  const key =
    kept && row && opensTo(box, row.secret_ciphertext, kept.secret)
      ? kept
      : await issueOperatorKey(sql, box, { role: 'admin', tenantId: null, name: 'embedded bootstrap' });
  const content: AdminKeyFile = { url: options.url, keyId: key.keyId, secret: key.secret };
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { file, keyId: key.keyId };
}

async function readKept(file: string): Promise<{ keyId: string; secret: string } | undefined> {
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as Partial<AdminKeyFile>;
    return json.keyId && json.secret ? { keyId: json.keyId, secret: json.secret } : undefined;
  } catch {
    return undefined;
  }
}

/** A data folder given another master key cannot open the row: that key is of no use here. */
function opensTo(box: SecretBox, sealed: string, secret: string): boolean {
  try {
    return box.open(sealed) === secret;
  } catch {
    return false;
  }
}
