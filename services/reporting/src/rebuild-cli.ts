// npm run reports:rebuild [-- --check] [-- --days N]
// Refolds the report rows from the leads' history. --check changes nothing: it compares the report
// of the last N days (default 30, and the day ahead) as stored with the one the history gives, per tenant.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@pronto/db';
import { compareWithHistory, rebuildReports } from './rebuild.ts';

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, days: { type: 'string', default: '30' } },
});
const days = Number(values.days);
if (!Number.isInteger(days) || days < 1) {
  process.stderr.write('reports:rebuild: --days must be a whole number of days, 1 or more\n');
  process.exit(2);
}
const url = process.env.DATABASE_URL;
const dataDir = resolve(process.env.PRONTO_DATA_DIR ?? '.pronto');
const db = await openDatabase(url ? { url } : { dataDir: join(dataDir, 'db') }).catch((error: Error) => {
  process.stderr.write(
    `reports:rebuild: cannot open the database (${url ? 'DATABASE_URL' : join(dataDir, 'db')}): ${error.message}\n` +
      '(the embedded database can be opened by one process at a time: stop npm start first)\n',
  );
  process.exit(1);
});
try {
  if (values.check) {
    const tenants = await db.sql.query<{ id: string; slug: string }>(
      'SELECT id::text, slug FROM tenant ORDER BY slug',
    );
    if (tenants.length === 0)
      process.stdout.write('reports:rebuild: no tenants in this database, nothing to compare\n');
    const now = new Date();
    let differ = 0;
    for (const tenant of tenants) {
      // Up to a day ahead, so the leads still open (due later) are compared too.
      const query = {
        tenantId: tenant.id,
        from: new Date(now.getTime() - days * 86_400_000),
        to: new Date(now.getTime() + 86_400_000),
        now,
      };
      const { live, recomputed } = await compareWithHistory(db.sql, { ...query, groupBy: 'campaign' });
      const same = JSON.stringify(live) === JSON.stringify(recomputed);
      if (!same) differ += 1;
      process.stdout.write(
        `${tenant.slug}: ${same ? 'same' : 'DIFFERENT'} (eligible ${live.eligible} live, ${recomputed.eligible} from history; met ${live.met} / ${recomputed.met})\n`,
      );
    }
    process.exitCode = differ > 0 ? 1 : 0;
  } else {
    const started = Date.now();
    const leads = await rebuildReports(db.sql);
    process.stdout.write(
      `reports:rebuild: ${leads} leads refolded from their history in ${Date.now() - started} ms\n`,
    );
  }
} finally {
  await db.close();
}
