import { randomUUID } from 'node:crypto';
import { openTestDatabase, type TestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseCallLog } from './database-call-log.ts';
import { memoryCallLog } from './memory-call-log.ts';

describe('the call log', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  const at = (iso: string) => new Date(iso);

  it.each([
    ['in the database', () => databaseCallLog(db.sql)],
    ['in memory', () => memoryCallLog()],
  ])('%s: places an attempt once, then answers the call placed and how it ended', async (_, open) => {
    const log = open();
    const attemptId = randomUUID();
    expect(await log.place(attemptId, at('2026-12-07T09:00:00Z'))).toBeUndefined();
    expect(await log.place(attemptId, at('2026-12-07T09:00:01Z'))).toEqual({ endedAt: null, outcome: null });
    await log.end(attemptId, 'no_answer', at('2026-12-07T09:00:40Z'));
    // An end is recorded once: a later one does not rewrite it.
    await log.end(attemptId, 'failed', at('2026-12-07T09:01:00Z'));
    expect(await log.place(attemptId, at('2026-12-07T09:02:00Z'))).toEqual({
      endedAt: at('2026-12-07T09:00:40Z'),
      outcome: 'no_answer',
    });
  });

  it('in the database: holds across two logs (two dialer processes), so only one places the call', async () => {
    const attemptId = randomUUID();
    const answers = await Promise.all([
      databaseCallLog(db.sql).place(attemptId, at('2026-12-07T09:00:00Z')),
      databaseCallLog(db.sql).place(attemptId, at('2026-12-07T09:00:00Z')),
    ]);
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(1);
  });

  it('in the database: a sweep forgets the calls placed before its time, and only those', async () => {
    const log = databaseCallLog(db.sql);
    const old = randomUUID();
    const recent = randomUUID();
    await log.place(old, at('2026-11-01T09:00:00Z'));
    await log.place(recent, at('2026-12-07T09:00:00Z'));
    expect(await log.sweep(at('2026-11-30T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect(await log.place(old, at('2026-12-07T10:00:00Z'))).toBeUndefined();
    expect(await log.place(recent, at('2026-12-07T10:00:00Z'))).toEqual({ endedAt: null, outcome: null });
  });

  it('in memory: forgets the oldest attempts past its limit', async () => {
    const log = memoryCallLog(2);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    for (const attemptId of [a, b, c]) await log.place(attemptId, at('2026-12-07T09:00:00Z'));
    expect(await log.place(c, at('2026-12-07T09:00:00Z'))).toBeDefined();
    expect(await log.place(a, at('2026-12-07T09:00:00Z'))).toBeUndefined();
  });
});
