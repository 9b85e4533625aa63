import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, dropScratchDatabase, freePort } from '@pronto/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsDir } from './migrate.ts';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('./migrate-cli.ts', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in its own process, as a Job or an operator runs it, with only the environment given. */
function runMigrate(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI],
      { cwd: PACKAGE_DIR, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('npm run -w @pronto/db migrate, when it cannot', () => {
  it('says DATABASE_URL is missing, in one line, and exits 1', async () => {
    const run = await runMigrate({});
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([expect.stringMatching(/^migrate: DATABASE_URL is not set/)]);
  });

  it('refuses a URL that is not PostgreSQL without printing its password', async () => {
    const run = await runMigrate({ DATABASE_URL: 'mysql://pronto:Sesame-4711@db.internal:3306/pronto' });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([expect.stringMatching(/not a PostgreSQL URL/)]);
    expect(run.stderr).not.toContain('Sesame-4711');
  });

  it('says which server it could not reach, without the password, and exits 1', async () => {
    const port = await freePort();
    const run = await runMigrate({
      DATABASE_URL: `postgres://pronto:Sesame%2F4711@127.0.0.1:${port}/pronto`,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^migrate: cannot reach PostgreSQL \\(database "pronto" at 127\\.0\\.0\\.1:${port}\\): .*ECONNREFUSED`,
        ),
      ),
    ]);
    expect(run.stderr).not.toMatch(/Sesame/);
  });
});

// The CLI takes PostgreSQL only: the embedded database (PGlite) is migrated by `npm start` itself and
// is opened by one process at a time, so a separate migration step has nothing to do there.
describe.runIf(process.env.DATABASE_URL)('npm run -w @pronto/db migrate on PostgreSQL', () => {
  const scratch: string[] = [];
  afterEach(async () => {
    await Promise.all(scratch.splice(0).map((url) => dropScratchDatabase(url)));
  });

  /** A fresh database's URL with a password in it (a trusting server ignores it), to see it is never printed. */
  async function freshDatabase(): Promise<{ url: string; password: string }> {
    const url = new URL(await createScratchDatabase());
    scratch.push(url.toString());
    if (!url.password) url.password = 'Sesame-4711';
    return { url: url.toString(), password: decodeURIComponent(url.password) };
  }

  it('applies every migration by name, then finds nothing pending, exiting 0 both times', async () => {
    const { url, password } = await freshDatabase();
    const names = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const database = new URL(url).pathname.slice(1);

    const first = await runMigrate({ DATABASE_URL: url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(lines(first.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^migrate: applied ${names.length} of ${names.length} migrations to database "${database}" at `,
        ),
      ),
      ...names.map((name) => `  ${name}`),
    ]);

    const second = await runMigrate({ DATABASE_URL: url });
    expect(second.code).toBe(0);
    expect(lines(second.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^migrate: nothing pending: all ${names.length} migrations are applied to database "${database}"`,
        ),
      ),
    ]);
    expect(first.stdout + second.stdout).not.toContain(password);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = await client.query<{ migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      expect(rows.rows.map((row) => row.migration_name)).toEqual(names);
    } finally {
      await client.end();
    }
  });

  it('run twice at once (a Job and a starting pod), each migration is applied by exactly one of them', async () => {
    const { url } = await freshDatabase();
    const runs = await Promise.all([runMigrate({ DATABASE_URL: url }), runMigrate({ DATABASE_URL: url })]);
    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    const applied = runs.flatMap((run) =>
      lines(run.stdout)
        .filter((line) => line.startsWith('  '))
        .map((line) => line.trim()),
    );
    const names = (await readdir(migrationsDir, { withFileTypes: true })).filter((entry) =>
      entry.isDirectory(),
    );
    expect(applied.sort()).toEqual(names.map((entry) => entry.name).sort());
  });
});
