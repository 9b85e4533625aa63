import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost: about 16 MB and a few tens of milliseconds per hash, slow enough to make guessing costly. */
const COST = { N: 16_384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Hashes an agent's password as `scrypt$N$r$p$salt$hash` (salt and hash base64url). The
 * parameters travel with the hash so that they can be raised later without breaking stored ones.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches a hash made by hashPassword; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await deriveKey(password, parsed.salt, parsed.hash.length, parsed.cost);
  // Constant time: how much of a guess matched must not show in the answer's timing.
  return timingSafeEqual(key, parsed.hash);
}

interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || rest.length > 0 || !salt || !hash) return undefined;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Object.values(cost).every((value) => Number.isSafeInteger(value) && value > 0)) return undefined;
  const hashBytes = Buffer.from(hash, 'base64url');
  if (hashBytes.length === 0) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64url'), hash: hashBytes };
}

function deriveKey(
  password: string,
  salt: Buffer,
  length: number,
  cost: ParsedHash['cost'],
): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; node's default ceiling (32 MB) would refuse a raised N.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed on another keyboard or system gives the same bytes.
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}
