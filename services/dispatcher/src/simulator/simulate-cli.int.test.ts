import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./simulate-cli.ts', import.meta.url));

/** `npm run simulate -- <args>`, as the operator runs it. */
function simulate(args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run simulate', () => {
  it('prints each policy at each load beside the upper bound, and writes the same rows as CSV', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pronto-simulate-'));
    try {
      const csv = join(dir, 'out.csv');
      const run = simulate([
        '--policy',
        'edf,fifo',
        '--load',
        '0.9',
        '--agents',
        '5',
        '--hours',
        '1',
        '--csv',
        csv,
      ]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^policy\s+load\s+agents\s+leads\s+attainment/);
      expect(run.stdout).toMatch(/\nedf\s+90%\s+5\s+\d+\s+\d+\.\d%/);
      expect(run.stdout).toMatch(/\nfifo\s+90%\s+5\s+\d+/);
      const rows = (await readFile(csv, 'utf8')).trim().split('\n');
      expect(rows[0]).toMatch(/^policy,load,agents,leads,met,attainment,/);
      expect(rows.slice(1).map((row) => row.split(',').slice(0, 2).join(','))).toEqual([
        'edf,0.9',
        'fifo,0.9',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.each([
    [['--policy', 'lifo'], '--policy'],
    [['--load', '0'], '--load'],
    [['--agents', '2.5'], '--agents'],
    [['--agents', '5000', '--load', '10', '--hours', '744'], 'at most 2,000,000'],
    [
      [
        '--tenant',
        'demo',
        '--campaign',
        'x',
        '--from',
        '2020-01-01T00:00:00Z',
        '--to',
        '2026-01-01T00:00:00Z',
      ],
      '31 days',
    ],
    [['--bogus', '1'], 'bogus'],
  ])(
    'refuses %j with exit code 2, naming what is wrong',
    (args, named) => {
      const run = simulate(args);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(named);
    },
    60_000,
  );
});
