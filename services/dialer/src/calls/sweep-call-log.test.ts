import { randomUUID } from 'node:crypto';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase } from '@pronto/testing';
import { describe, expect, it, vi } from 'vitest';
import { databaseCallLog } from './database-call-log.ts';
import { startCallLogSweep } from './sweep-call-log.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const DAY = 86_400_000;

describe('the call log sweep', () => {
  it('forgets at start the calls placed longer ago than it keeps them, and keeps the others', async () => {
    const db = await openTestDatabase('pglite');
    const log = databaseCallLog(db.sql);
    const now = new Date('2026-12-07T09:00:00Z');
    const old = randomUUID();
    const recent = randomUUID();
    await log.place(old, new Date(now.getTime() - 8 * DAY));
    await log.place(recent, new Date(now.getTime() - 6 * DAY));
    const sweep = startCallLogSweep(log, { logger, keepMs: 7 * DAY, everyMs: 3_600_000, now: () => now });
    try {
      const left = async () =>
        (await db.sql.query<{ attempt_id: string }>('SELECT attempt_id FROM dialer_call')).map(
          (row) => row.attempt_id,
        );
      await vi.waitFor(async () => expect(await left()).toEqual([recent]), { timeout: 30_000 });
    } finally {
      await sweep.stop();
      await db.close();
    }
  });
});
