import { Writable } from 'node:stream';
import type { SqlQueryable } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { databaseKinds, openTestDatabase, type TestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PHONE = '+48601234567';
const NAME = 'Zbigniewa';
const BODY = JSON.stringify({ person: { phone: PHONE, firstName: NAME } });
const POISON_BODY = JSON.stringify({ person: { phone: PHONE, firstName: NAME }, note: 'poison\u0000' });
// Everything a client sent that a log must never show, and the driver's own words for the statement.
const NEVER = [/601234567/, /601 234 567/, new RegExp(NAME), /INSERT|SELECT|VALUES/, /Failing row/, /portal/];

/** Real failing statements whose parameters and echoed values carry the person's number and name. */
const FAILURES: { what: string; code: string; run: (tx: SqlQueryable) => Promise<unknown> }[] = [
  {
    what: 'unique violation (DETAIL echoes the key)',
    code: '23505',
    run: (tx) => tx.query('INSERT INTO probe (phone, body) VALUES ($1, $2), ($1, $2)', [PHONE, BODY]),
  },
  {
    what: 'check violation (DETAIL echoes the whole row)',
    code: '23514',
    run: (tx) => tx.query('INSERT INTO probe (phone, body, n) VALUES ($1, $2, $3)', [PHONE, BODY, -1]),
  },
  {
    what: 'a timestamp the database refuses (the message echoes the input)',
    code: '22007',
    run: (tx) => tx.query('INSERT INTO probe (phone, at) VALUES ($1, $2)', [PHONE, `${NAME} ${PHONE}`]),
  },
  {
    what: 'a JSON body with \\u0000 (WHERE echoes the body)',
    code: '22P05',
    run: (tx) => tx.query('INSERT INTO probe (phone, body) VALUES ($1, $2::jsonb)', [PHONE, POISON_BODY]),
  },
  {
    what: 'a NUL byte in a text parameter',
    code: '22021',
    run: (tx) => tx.query('INSERT INTO probe (phone) VALUES ($1)', [`${PHONE}\u0000${NAME}`]),
  },
];

describe.each(databaseKinds())('database errors in the log (%s)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db.close());

  function capture() {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, logger: createLogger({ name: 'probe', destination }) };
  }

  it.each(FAILURES)('$what: the code and constraint stay, no value does', async ({ code, run }) => {
    const error = await db.sql
      .transaction(async (tx) => {
        await tx.exec(
          `CREATE TEMP TABLE probe (phone text UNIQUE, body jsonb, at timestamptz,
                                    n int CONSTRAINT probe_n_positive CHECK (n > 0)) ON COMMIT DROP`,
        );
        return run(tx);
      })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toMatchObject({ code });
    // The raw error does carry the values: that is what the logger has to keep out.
    const raw = JSON.stringify(error, Object.getOwnPropertyNames(error));
    expect(raw).toMatch(/601234567|portal parameter/);

    const { lines, logger } = capture();
    logger.error({ err: error, eventId: 'e-1' }, 'event could not be stored');
    logger.error(error as Error);
    logger.warn({ reason: error }, (error as Error).message);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      for (const pattern of NEVER) expect(line).not.toMatch(pattern);
      expect(JSON.parse(line).err?.code ?? JSON.parse(line).reason?.code).toBe(code);
    }
    expect(JSON.parse(lines[0] as string).err.type).toBe('DatabaseError');
    if (code === '23514') expect(JSON.parse(lines[0] as string).err.constraint).toBe('probe_n_positive');
  });

  it('a Prisma error over the driver adapter keeps its code and loses the values', async () => {
    const error = await db.prisma.dncEntry
      .create({
        data: {
          tenantId: '00000000-0000-4000-8000-000000000000',
          phoneE164: PHONE,
          reason: NAME,
          source: 'api',
        },
      })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toMatchObject({ code: 'P2003' });
    const { lines, logger } = capture();
    logger.error({ err: error }, 'dnc entry not stored');
    for (const pattern of NEVER) expect(lines[0]).not.toMatch(pattern);
    expect(JSON.parse(lines[0] as string).err).toMatchObject({ code: 'P2003' });
  });

  it('a Prisma validation error, which prints the arguments it refused, loses them', async () => {
    const error = await db.prisma.dncEntry
      .findMany({ where: { phoneE164: 48601234567 as never, reason: NAME } })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect((error as Error).message).toMatch(/48601234567/);
    const { lines, logger } = capture();
    logger.error({ err: error }, 'lookup failed');
    for (const pattern of NEVER) expect(lines[0]).not.toMatch(pattern);
    expect(JSON.parse(lines[0] as string).err).toMatchObject({ type: 'PrismaClientValidationError' });
  });
});
