import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventBatchResponse, MAX_BATCH_EVENTS } from '@pronto/contracts';
import { type Database, openDatabase } from '@pronto/db';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

const EVENTS = 2_000;
const SENDERS = 20;
const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 10);
const key = { keyId: 'demo-key', secret: 'crash-test-secret-0123456789' };
const onPostgres = Boolean(process.env.DATABASE_URL);

function event(i: number, round: number) {
  return {
    eventId: `crash-${round}-${i}`,
    type: 'offer_check',
    occurredAt: new Date(Date.UTC(2026, 10, 23, 9, 0, 0) + i).toISOString(),
    campaign: 'cash-loan',
    person: { phone: `+48 6${String(i).padStart(8, '0')}`, locale: 'pl-PL' },
    consent: { phoneContact: true },
    offer: { product: 'cash_loan', amount: 1000 + i, currency: 'PLN' },
  };
}

type Answer = { status: number; leadId?: string };

/** Sends events[from..] from SENDERS concurrent loops; calls onAccepted after every 2xx. */
async function sendAll(
  url: string,
  round: number,
  indexes: number[],
  answers: Map<number, Answer>,
  onAnswer?: (n: number) => void,
) {
  let next = 0;
  let answered = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < indexes.length) {
        const i = indexes[next++] as number;
        try {
          const response = await signedFetch(url, key, 'POST', '/v1/events', event(i, round));
          answers.set(i, { status: response.status, leadId: (response.json as { leadId?: string }).leadId });
          answered += 1;
          onAnswer?.(answered);
        } catch {
          // The process died under this request: its fate is unknown to the client, as in real life.
        }
      }
    }),
  );
}

/**
 * Resends, after the restart, what got no answer, as a client catching up would: in batches of up to
 * 500 (POST /v1/events:batch), each item answered as a single POST would have been.
 */
async function resendInBatches(url: string, round: number, indexes: number[]): Promise<Map<number, Answer>> {
  const answers = new Map<number, Answer>();
  for (let from = 0; from < indexes.length; from += MAX_BATCH_EVENTS) {
    const slice = indexes.slice(from, from + MAX_BATCH_EVENTS);
    const response = await signedFetch(url, key, 'POST', '/v1/events:batch', {
      events: slice.map((i) => event(i, round)),
    });
    expect(response.status).toBe(200);
    const { results } = response.json as EventBatchResponse;
    for (const item of results)
      answers.set(slice[item.index] as number, { status: item.status, leadId: item.leadId });
  }
  return answers;
}

async function storedCounts(db: Database, round: number) {
  const [row] = await db.sql.query<{
    events: number;
    distinct_ids: number;
    leads: number;
    outbox: number;
    logged: number;
    with_lead: number;
  }>(
    `SELECT (SELECT count(*)::int FROM intent_event WHERE event_id LIKE $1) AS events,
            (SELECT count(DISTINCT event_id)::int FROM intent_event WHERE event_id LIKE $1) AS distinct_ids,
            (SELECT count(*)::int FROM intent_event WHERE event_id LIKE $1 AND lead_id IS NOT NULL) AS with_lead,
            (SELECT count(*)::int FROM lead l JOIN intent_event e ON e.lead_id = l.id WHERE e.event_id LIKE $1) AS leads,
            (SELECT count(*)::int FROM outbox WHERE message->'payload'->'event'->>'eventId' LIKE $1) AS outbox,
            (SELECT count(*)::int FROM bus_message
              WHERE topic = 'intents' AND message->'payload'->'event'->>'eventId' LIKE $1) AS logged`,
    [`crash-${round}-%`],
  );
  return row;
}

describe(`kill -9 during intake (${onPostgres ? 'PostgreSQL' : 'embedded PGlite, on its own thread every other round'})`, () => {
  it(
    `keeps every 202 exactly once, ${ITERATIONS} times in a row`,
    async () => {
      for (let round = 1; round <= ITERATIONS; round += 1) {
        const dataDir = await mkdtemp(join(tmpdir(), 'pronto-crash-'));
        const databaseUrl = onPostgres ? await createScratchDatabase() : undefined;
        // On the embedded database, every other round runs it on its own thread (PRONTO_EMBEDDED_DB_THREAD).
        const thread = round % 2 === 0 ? 'worker' : 'main';
        const env = {
          PRONTO_DATA_DIR: dataDir,
          PRONTO_DEMO_SECRET: key.secret,
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { PRONTO_EMBEDDED_DB_THREAD: thread }),
        };
        const started: ProntoProcess[] = [];
        try {
          const first = await startPronto(env);
          started.push(first);
          if (!databaseUrl) expect(first.output()).toContain(`"databaseThread":"${thread}"`);
          const answers = new Map<number, Answer>();
          const killAfter = 300 + Math.floor(Math.random() * 1_200);
          let killing: Promise<void> | undefined;
          await sendAll(first.url, round, [...Array(EVENTS).keys()], answers, (n) => {
            if (n === killAfter) killing = first.kill9();
          });
          await killing;
          const acceptedBeforeCrash = [...answers].filter(([, a]) => a.status === 202).map(([i]) => i);
          expect(acceptedBeforeCrash.length).toBeGreaterThanOrEqual(killAfter - SENDERS);
          expect([...answers.values()].every((a) => a.status === 202)).toBe(true);

          // A client resends whatever it has no answer for; the restarted process answers 200 for
          // what it had stored before dying and 202 for what it had not.
          const second = await startPronto(env);
          started.push(second);
          const unanswered = [...Array(EVENTS).keys()].filter((i) => !answers.has(i));
          const resent = await resendInBatches(second.url, round, unanswered);
          expect(resent.size).toBe(unanswered.length);
          expect([...resent.values()].every((a) => a.status === 202 || a.status === 200)).toBe(true);
          // Each answer from before the crash still holds after it.
          for (const i of acceptedBeforeCrash.slice(0, 25)) {
            const replay = await signedFetch(second.url, key, 'POST', '/v1/events', event(i, round));
            expect(replay).toMatchObject({ status: 200, json: { leadId: answers.get(i)?.leadId } });
          }
          expect(await second.stop()).toBe(0);

          const db = await openDatabase(
            databaseUrl ? { url: databaseUrl } : { dataDir: join(dataDir, 'db') },
          );
          try {
            expect(await storedCounts(db, round)).toEqual({
              events: EVENTS,
              distinct_ids: EVENTS,
              with_lead: EVENTS,
              leads: EVENTS,
              // Each accepted event's intent, once: on PostgreSQL in the outbox (the relay copies it
              // to the bus, maybe twice after a crash); on the embedded database written straight
              // into the bus's log in the event's own transaction (the direct outbox), so exactly once.
              ...(onPostgres
                ? { outbox: EVENTS, logged: expect.any(Number) }
                : { outbox: 0, logged: EVENTS }),
            });
            const stored = await db.sql.query<{ event_id: string; lead_id: string }>(
              'SELECT event_id, lead_id FROM intent_event WHERE event_id = ANY($1::text[])',
              [acceptedBeforeCrash.map((i) => `crash-${round}-${i}`)],
            );
            const leadByEvent = new Map(stored.map((row) => [row.event_id, row.lead_id]));
            for (const i of acceptedBeforeCrash)
              expect(leadByEvent.get(`crash-${round}-${i}`)).toBe(answers.get(i)?.leadId);
          } finally {
            await db.close();
          }
          process.stdout.write(
            `round ${round}${databaseUrl ? '' : ` (database thread: ${thread})`}: killed after ${killAfter} answers; ${acceptedBeforeCrash.length} had 202 before the crash, ${unanswered.length} resent, ${[...resent.values()].filter((a) => a.status === 200).length} of them already stored\n`,
          );
        } finally {
          // A failed assertion must not leave a server running on the data folder.
          for (const pronto of started)
            if (pronto.child.exitCode === null && pronto.child.signalCode === null) await pronto.kill9();
          await rm(dataDir, { recursive: true, force: true });
          if (databaseUrl) await dropScratchDatabase(databaseUrl);
        }
      }
    },
    ITERATIONS * 90_000,
  );
});
