import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createProntoClient } from '@pronto/client';
import { dncImportCli } from '@pronto/client/dnc-import-cli';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FrontDoor, startFrontDoor } from './front-door.ts';

let h: Harness;
let door: FrontDoor;
let dir: string;
let KEY: { keyId: string; secret: string };

beforeAll(async () => {
  h = await startHarness();
  KEY = { keyId: h.keyId, secret: h.secret };
  // The command signs with the wall clock, so the real API's clock is the wall clock here.
  h.clock.ms = Date.now();
  door = await startFrontDoor({ app: h.app, ...KEY, now: Date.now });
  dir = await mkdtemp(join(tmpdir(), 'pronto-dnc-import-'));
});
afterAll(async () => {
  await door.close();
  await h.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  h.clock.ms = Date.now();
  door.requests.length = 0;
});

const phone = (n: number) => `+48 6${String(n).padStart(8, '0')}`;

/** A CSV of records (some spanning lines), and the line each record starts on. */
function csvFile(records: readonly string[]) {
  const startLines: number[] = [];
  let line = 1;
  for (const record of records) {
    startLines.push(line);
    line += record.split('\n').length;
  }
  return { text: `${records.join('\n')}\n`, startLines };
}

describe('npm run dnc-import', () => {
  it('imports 12,000 rows in parts of 5,000, shows progress, and writes the rejected rows with their lines', async () => {
    const client = createProntoClient({ baseUrl: door.url, ...KEY });
    for (const n of [10, 5_000, 11_000]) await client.addToDnc(phone(n), { reason: 'listed before' });

    const records = ['phone,reason,locale'];
    const rejectedAt: number[] = [];
    for (let n = 0; n < 12_000; n += 1) {
      if (n === 7_000) records.push(''); // a blank line: a line of the file, not a row
      if (n % 1_000 === 999) {
        rejectedAt.push(records.length);
        records.push(`call me ${n},,`);
      } else if (n === 6_001) records.push(`"6${String(n).padStart(8, '0')}","moved,\nabroad",pl-PL`);
      else if (n === 11_998) records.push(`${phone(0)},repeat of the first row,`);
      else records.push(`${phone(n)},,`);
    }
    const { text, startLines } = csvFile(records);
    const file = join(dir, 'numbers.csv');
    const errorsFile = join(dir, 'errors.csv');
    await writeFile(file, text);

    const cli = fileURLToPath(new URL('../../packages/client/src/dnc-import-cli.ts', import.meta.url));
    const result = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', cli, '--file', file, '--errors', errorsFile],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, PRONTO_URL: door.url, PRONTO_KEY_ID: KEY.keyId, PRONTO_SECRET: KEY.secret },
      },
    ).then(
      (done) => ({ code: 0, ...done }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    expect(result.code, result.stderr).toBe(2);
    // stderr is a pipe here, not a terminal: one progress line per request.
    expect(result.stderr.split('\n').filter((line) => line.startsWith('dnc import:'))).toEqual([
      'dnc import: 5000/12000 rows, 4994 added, 1 already listed, 5 rejected',
      'dnc import: 10000/12000 rows, 9988 added, 2 already listed, 10 rejected',
      'dnc import: 12000/12000 rows, 11984 added, 4 already listed, 12 rejected',
    ]);
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).toContain(`12 rows rejected: 12 errors written to ${errorsFile}`);

    const imports = door.requests.filter((request) => request.path === '/v1/dnc:import');
    expect(imports.map((request) => [request.signed, request.body.split('\n', 1)[0]])).toEqual([
      [true, 'phone,reason,locale'],
      [true, 'phone,reason,locale'],
      [true, 'phone,reason,locale'],
    ]);

    const expectedLines = rejectedAt.map((index) => startLines[index]);
    expect(expectedLines.slice(0, 8)).toEqual([1001, 2001, 3001, 4001, 5001, 6001, 7002, 8003]);
    const report = (await readFile(errorsFile, 'utf8')).trimEnd().split('\n');
    expect(report[0]).toBe('row,field,value,detail');
    const masked = (n: number) => `**** ** ${'*'.repeat(String(n).length - 3)}${String(n).slice(-3)}`;
    expect(report.slice(1).map((line) => line.split(',').slice(0, 3))).toEqual(
      expectedLines.map((line, index) => [String(line), 'phone', masked((index + 1) * 1_000 - 1)]),
    );
    // The detail holds commas, so the CSV quotes it.
    expect(report[1]).toMatch(/^1001,phone,\*\*\*\* \*\* 999,"is not a phone number: /);

    const moved = await client.getDncEntry('600006001', { locale: 'pl-PL' });
    expect(moved).toMatchObject({ phone: '+48600006001', reason: 'moved,\nabroad', source: 'csv-import' });
    expect(await client.getDncEntry(phone(11_000))).toMatchObject({ reason: 'listed before', source: 'api' });
    expect(await client.getDncEntry(phone(999))).toBeNull();
  });
});

describe('dncImportCli', () => {
  async function run(argv: string[], stderrIsTty: boolean) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await dncImportCli({
      argv,
      env: { PRONTO_URL: door.url, PRONTO_KEY_ID: KEY.keyId, PRONTO_SECRET: KEY.secret },
      out: (line) => out.push(line),
      err: (line) => err.push(`${line}\n`),
      errRaw: (text) => err.push(text),
      stderrIsTty,
    });
    return { code, out: out.join('\n'), err: err.join('') };
  }

  it('redraws one progress line on a terminal and exits 0 when every row is accepted', async () => {
    const file = join(dir, 'clean.csv');
    const rows = Array.from({ length: 6_000 }, (_, n) => `${phone(20_000_000 + n)}`);
    await writeFile(file, `\uFEFFphone\r\n${rows.join('\r\n')}\r\n`);
    const { code, err } = await run(['--file', file], true);
    expect(code, err).toBe(0);
    expect(err).toBe(
      '\rdnc import: 5000/6000 rows, 5000 added, 0 already listed, 0 rejected\x1b[K' +
        '\rdnc import: 6000/6000 rows, 6000 added, 0 already listed, 0 rejected\x1b[K\n',
    );
  });

  it('prints the first 20 rejected rows and says how many more there are', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, `phone\n${Array.from({ length: 25 }, (_, n) => `bad ${n + 100}`).join('\n')}\n`);
    const { code, err } = await run(['--file', file], false);
    expect(code).toBe(2);
    const lines = err.trimEnd().split('\n');
    expect(lines[0]).toBe('dnc import: 25/25 rows, 0 added, 0 already listed, 25 rejected');
    expect(lines[1]).toBe('25 rows rejected:');
    expect(lines[2]).toMatch(/^ {2}line 2: phone "\*\*\* 100" is not a phone number/);
    expect(lines.filter((line) => line.startsWith('  line '))).toHaveLength(20);
    expect(lines.at(-1)).toBe('  ... and 5 more (pass --errors <file> to write them all)');
  });

  it('exits 1 with what went wrong: a missing file, no phone column, a quote that never closes', async () => {
    expect(await run(['--file', join(dir, 'none.csv')], false)).toMatchObject({
      code: 1,
      err: expect.stringContaining('none.csv does not exist'),
    });
    const noPhone = join(dir, 'no-phone.csv');
    await writeFile(noPhone, 'number\n+48601000001\n');
    const refused = await run(['--file', noPhone], false);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^Pronto answered 400: The request has invalid fields\n[\s\S]* {2}phone: is missing/,
    );
    const open = join(dir, 'open.csv');
    await writeFile(open, 'phone,reason\n+48601000001,"never closed\n');
    expect((await run(['--file', open], false)).err).toMatch(
      /open\.csv line 2: a quoted field is never closed/,
    );
    expect((await run(['--colour', 'red'], false)).code).toBe(1);
  });
});
