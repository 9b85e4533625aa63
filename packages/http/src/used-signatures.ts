import { createHash } from 'node:crypto';
import type { Sql } from '@pronto/db';
import { SIGNATURE_TOLERANCE_SECONDS } from '@pronto/signature';

/**
 * A row outlives its signature's window by this much: instances whose clocks differ by up to a minute
 * still find it while any of them would take the timestamp.
 */
const CLOCK_MARGIN_SECONDS = 60;

/** Signatures of state-changing requests already taken, shared by every instance through the database. */
export interface UsedSignatures {
  /**
   * Records the request's matching signatures; true when none was seen before (the first use), false for
   * a replay. One round trip: the primary key decides, so two instances given the same request at the
   * same moment cannot both take it.
   */
  claim(input: {
    tenantId: string;
    keyId: string;
    /** The matching HMACs, hex (verifySignature's `signatures`). */
    signatures: readonly string[];
    /** Pronto-Timestamp, unix seconds. */
    timestamp: number;
  }): Promise<boolean>;
  /** Deletes rows whose signatures the timestamp check refuses anyway; answers how many. */
  sweep(): Promise<number>;
}

export function createUsedSignatures(sql: Sql, now: () => Date): UsedSignatures {
  return {
    async claim({ tenantId, keyId, signatures, timestamp }) {
      const hashes = [...new Set(signatures)].map((signature) =>
        createHash('sha256').update(`${keyId}\n${signature}`).digest('hex'),
      );
      const expiresAt = new Date((timestamp + SIGNATURE_TOLERANCE_SECONDS + CLOCK_MARGIN_SECONDS) * 1000);
      const inserted = await sql.query(
        `INSERT INTO used_signature (signature_hash, tenant_id, key_id, expires_at)
         SELECT hash, $2, $3, $4 FROM unnest($1::text[]) AS hash
         ON CONFLICT (signature_hash) DO NOTHING
         RETURNING 1`,
        [hashes, tenantId, keyId, expiresAt],
      );
      // Signed with both secrets of a key in rotation: either one seen before makes the request a replay.
      return inserted.length === hashes.length;
    },
    async sweep() {
      const [row] = await sql.query<{ deleted: number }>(
        `WITH gone AS (DELETE FROM used_signature WHERE expires_at < $1 RETURNING 1)
         SELECT count(*)::int AS deleted FROM gone`,
        [now()],
      );
      return row?.deleted ?? 0;
    },
  };
}
