import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sendEventCli } from '@pronto/client/send-event-cli';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FrontDoor, startFrontDoor } from './front-door.ts';

let h: Harness;
let KEY: { keyId: string; secret: string };
let fake: FrontDoor;
let dataDir: string;

beforeAll(async () => {
  h = await startHarness();
  KEY = { keyId: h.keyId, secret: h.secret };
  // The command signs with the wall clock, so the real API's clock is the wall clock here.
  h.clock.ms = Date.now();
  fake = await startFrontDoor({ app: h.app, ...KEY, now: Date.now });
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-send-event-'));
});
afterAll(async () => {
  await fake.close();
  await h.close();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
});

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await sendEventCli({
    argv,
    env: { PRONTO_URL: fake.url, PRONTO_KEY_ID: KEY.keyId, PRONTO_DATA_DIR: join(dataDir, 'none'), ...env },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const sentEvents = () => fake.requests.map((request) => JSON.parse(request.body));

describe('npm run send-event', () => {
  it('sends a signed, realistic event and prints the status, the answer and the lead id', async () => {
    const { code, out, err } = await run([
      '--phone',
      '+48 601 234 567',
      '--name',
      'Jan Kowalski',
      '--secret',
      KEY.secret,
    ]);
    expect(code, err).toBe(0);
    expect(fake.requests).toMatchObject([{ method: 'POST', path: '/v1/events', signed: true }]);
    const [event] = sentEvents();
    expect(event).toMatchObject({
      type: 'offer_check',
      campaign: 'cash-loan',
      person: { phone: '+48 601 234 567', name: 'Jan Kowalski', timeZone: 'Europe/Warsaw' },
      consent: { phoneContact: true },
      offer: { product: 'cash_loan', amount: 20000, currency: 'PLN' },
      context: { pageUrl: expect.any(String) },
    });
    expect(Math.abs(Date.parse(event.occurredAt) - Date.now())).toBeLessThan(60_000);
    const [status, answer] = out.split('\n')[0]?.split(/ (.*)/) ?? [];
    expect(status).toBe('202');
    const { leadId } = JSON.parse(answer ?? '');
    expect(JSON.parse(answer ?? '')).toEqual({ eventId: event.eventId, leadId, status: 'accepted' });
    expect(out).toContain(`GET /v1/leads/${leadId}`);
  });

  it("reads the embedded server's demo secret from the data folder, and says when an answer is a replay", async () => {
    await writeFile(join(dataDir, 'demo-secret'), `${KEY.secret}\n`);
    // Stored, but the answer is lost: the command sends again at once (Retry-After: 0) and is told so.
    fake.faults.push({ kind: 'answer', status: 503, retryAfter: '0', afterStoring: true });
    const argv = ['--phone', '+48 601 234 568', '--event-id', 'evt_cli_replay'];
    const { code, out } = await run(argv, { PRONTO_DATA_DIR: dataDir });
    expect(code).toBe(0);
    expect(out).toMatch(/^200 \{"eventId":"evt_cli_replay",.*\(a replay: first answer\)/);
    expect(fake.requests.map((request) => request.signed)).toEqual([true, true]);

    // A new run is a new event (occurredAt is now): the same eventId is a conflict.
    const again = await run(argv, { PRONTO_DATA_DIR: dataDir });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^Pronto answered 409: This eventId was already used with a different body/);
  });

  it('takes the secret from PRONTO_DEMO_SECRET, and sends --count people without consent', async () => {
    const argv = ['--phone', '+48 601 234 570', '--count', '3', '--no-consent', '--amount', '5000'];
    const { code, out } = await run(argv, { PRONTO_DEMO_SECRET: KEY.secret });
    expect(code).toBe(0);
    expect(out.match(/^202 .*"status":"suppressed"/gm)).toHaveLength(3);
    expect(
      sentEvents().map((event) => [event.person.phone, event.consent.phoneContact, event.offer.amount]),
    ).toEqual([
      ['+48 601 234 570', false, 5000],
      ['+48601234571', false, 5000],
      ['+48601234572', false, 5000],
    ]);
  });

  it('says how to pass the secret when there is none', async () => {
    const { code, err } = await run(['--phone', '+48 601 234 567']);
    expect(code).toBe(2);
    expect(err).toContain(`${join(dataDir, 'none', 'demo-secret')} does not exist`);
    expect(err).toMatch(/npm start[\s\S]*--secret[\s\S]*PRONTO_DEMO_SECRET/);
    expect(fake.requests).toHaveLength(0);
  });

  it("prints Pronto's problem readably and exits 1 when the event is refused", async () => {
    const { code, err } = await run(['--phone', '12', '--campaign', '', '--secret', KEY.secret]);
    expect(code).toBe(1);
    expect(err).toMatch(
      /^Pronto answered 400: The request has invalid fields\n( {2}.*\n)? {2}campaign: .*\n {2}person\.phone: /,
    );
    expect(err).toContain(`see ${fake.url}/problems/`);
  });

  it('refuses an unknown flag with usage and exit code 2, sending nothing', async () => {
    const { code, err } = await run(['--phone', '+48601555111', '--colour', 'red']);
    expect(code).toBe(2);
    expect(err).toMatch(/Unknown option '--colour'[\s\S]*Usage: npm run send-event/);
    expect(fake.requests).toHaveLength(0);
  });

  it('exits 2 with usage when run as a command with an unknown flag', async () => {
    const cli = fileURLToPath(new URL('../../packages/client/src/send-event-cli.ts', import.meta.url));
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, '--colour'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm run send-event') });
  });
});
