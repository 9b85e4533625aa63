import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

/**
 * docs/operations.md says logs never hold a full phone number. A database error used to be logged
 * with its statement, its parameters (the raw bodies of every event in the failing group commit) and
 * PostgreSQL's DETAIL ("Failing row contains (...)"): about 9 KB of personal data per bad event.
 *
 * Intake may one day refuse every value the database would, so the database here is made to refuse
 * events itself, the way a constraint added by a later migration or a full disk would: a CHECK on
 * intent_event.raw_body that fails for events whose page URL says so. Its DETAIL echoes the whole row.
 */
const REFUSED = 'https://bank.example/refused-by-database';
const COUNT = 24;

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-log-privacy-'));
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

const phoneOf = (i: number) =>
  `+48 6${String(10 + i).padStart(2, '0')} 4${String(i).padStart(2, '0')} 7${String(i).padStart(2, '0')}`;
const nameOf = (i: number) => `Bożydara Wierzchosławska-${String.fromCharCode(65 + i)}q`;

function event(i: number, refused: boolean, overrides: Record<string, unknown> = {}) {
  return {
    eventId: `privacy-${i}`,
    type: 'offer_check',
    occurredAt: new Date().toISOString(),
    campaign: 'cash-loan',
    person: { phone: phoneOf(i), name: nameOf(i), locale: 'pl-PL', timeZone: 'Europe/Warsaw' },
    consent: { phoneContact: true, capturedAt: new Date().toISOString(), source: 'offer-form-v3' },
    context: { pageUrl: refused ? REFUSED : 'https://bank.example/kredyt', visits: 3 },
    ...overrides,
  };
}

describe('the log of a run whose database refuses events', () => {
  it('holds no phone number and no name that was sent, yet says what failed', async () => {
    // First start: the database is created and migrated; then the refusing constraint is added.
    // The embedded database (its constraint is added through PGlite), in the PostgreSQL pass too.
    let pronto: ProntoProcess = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: '' });
    await pronto.stop();
    const db = await PGlite.create({ dataDir: join(dataDir, 'db') });
    await db.exec(
      `ALTER TABLE intent_event ADD CONSTRAINT refused_by_test CHECK (raw_body NOT LIKE '%refused-by-database%')`,
    );
    await db.close();

    pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: '' });
    let log = pronto.output();
    pronto.child.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    pronto.child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    try {
      const key = {
        keyId: 'demo-key',
        secret: (await readFile(join(dataDir, 'demo-secret'), 'utf8')).trim(),
      };
      const refused = (i: number) => i % 3 === 1;
      // Singles sent at once share group commits with refused neighbours, and a batch mixes both.
      const singles = await Promise.all(
        Array.from({ length: COUNT / 2 }, (_, i) =>
          signedFetch(pronto.url, key, 'POST', '/v1/events', event(i, refused(i))),
        ),
      );
      const batch = await signedFetch(pronto.url, key, 'POST', '/v1/events:batch', {
        events: Array.from({ length: COUNT / 2 }, (_, j) => event(COUNT / 2 + j, refused(COUNT / 2 + j))),
      });
      // Values the database refuses by itself today (intake may come to refuse them first).
      const hostile = await Promise.all([
        signedFetch(
          pronto.url,
          key,
          'POST',
          '/v1/events',
          event(COUNT, false, { occurredAt: '0000-01-01T00:00:00Z' }),
        ),
        signedFetch(pronto.url, key, 'POST', '/v1/events', {
          ...event(COUNT + 1, false),
          person: { phone: phoneOf(COUNT + 1), name: `${nameOf(COUNT + 1)}\u0000` },
        }),
      ]);

      for (const [i, answer] of singles.entries())
        expect(answer.status, `single ${i}`).toBe(refused(i) ? 500 : 202);
      expect(batch.status).toBeLessThan(600);
      for (const answer of hostile) expect([202, 400, 500]).toContain(answer.status);
    } finally {
      expect(await pronto.stop()).toBe(0);
    }

    // The failure is in the log, with what an operator needs: the SQLSTATE and the constraint.
    const lines = log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; err?: { code?: string; constraint?: string } });
    const stored = lines.filter((line) => line.msg === 'event could not be stored');
    expect(stored.length).toBeGreaterThanOrEqual(COUNT / 3);
    expect(stored[0]?.err).toMatchObject({ code: '23514', constraint: 'refused_by_test' });

    // And nothing a client sent about a person: no number in any writing, no name.
    for (let i = 0; i < COUNT + 2; i += 1) {
      const phone = phoneOf(i);
      const national = phone.replaceAll(' ', '').slice(3);
      for (const form of [phone, national, `${national.slice(0, 3)} ${national.slice(3, 6)}`])
        expect(log, `person ${i}: ${form}`).not.toContain(form);
      expect(log, `person ${i}`).not.toContain(nameOf(i).split(' ')[1]);
    }
    expect(log).not.toMatch(/Bożydara|refused-by-database|raw_body|INSERT INTO|Failing row/);
  }, 240_000);
});
