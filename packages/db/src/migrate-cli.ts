// npm run -w @pronto/db migrate (or `node --import tsx packages/db/src/migrate-cli.ts`; the image's `migrate`)
// Applies the pending migrations to the PostgreSQL database named by DATABASE_URL, says which, and
// exits 0; exits 1 with one line on stderr when it cannot. Deployments run it once per release before
// the services roll (every service would also migrate at start, under the same lock).
import pg from 'pg';
import { isDatabaseUnavailable } from './database-unavailable.ts';
import { migrate } from './migrate.ts';
import { sqlOnPool } from './sql.ts';

const EXAMPLE = 'postgres://user:password@host:5432/database';

function fail(line: string): never {
  process.stderr.write(`migrate: ${line}\n`);
  process.exit(1);
}

const raw = process.env.DATABASE_URL;
if (!raw) fail(`DATABASE_URL is not set (${EXAMPLE})`);
let url: URL;
try {
  url = new URL(raw);
} catch {
  fail(`DATABASE_URL is not a URL (${EXAMPLE})`);
}
if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
  fail(`DATABASE_URL is not a PostgreSQL URL: it starts with ${url.protocol}// (${EXAMPLE})`);

// What the output names: never the user's password, in any spelling the URL or an error may use.
const where = `database "${decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username)}" at ${url.hostname}:${url.port || '5432'}`;
const secrets = [raw, url.password, safeDecode(url.password)].filter((text) => text.length >= 3);
const redact = (text: string): string =>
  secrets.reduce((out, secret) => out.split(secret).join('***'), text.split('\n')[0] ?? '');

const pool = new pg.Pool({ connectionString: raw, max: 1, connectionTimeoutMillis: 10_000 });
// A connection the server drops while idle must not crash the process before it reports.
pool.on('error', () => {});
try {
  const migrations = await migrate(sqlOnPool(pool));
  const applied = migrations.filter((migration) => migration.applied).map((migration) => migration.name);
  process.stdout.write(
    applied.length === 0
      ? `migrate: nothing pending: all ${migrations.length} migrations are applied to ${where}\n`
      : `migrate: applied ${applied.length} of ${migrations.length} migrations to ${where}:\n${applied.map((name) => `  ${name}\n`).join('')}`,
  );
} catch (error) {
  const reason = redact(error instanceof Error ? error.message || String(error) : String(error));
  process.exitCode = 1;
  process.stderr.write(
    isDatabaseUnavailable(error)
      ? `migrate: cannot reach PostgreSQL (${where}): ${reason}\n`
      : `migrate: could not migrate ${where}: ${reason}\n`,
  );
} finally {
  await pool.end().catch(() => {});
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
