import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@pronto/db';
import { processCpuSeconds } from './system.ts';

export interface PgbenchResult {
  tps: number;
  /** Rows inserted per transaction (1: pgbench's single-row INSERT, the target's ceiling). */
  rowsPerTransaction: number;
  latencyAvgMs: number;
  transactions: number;
  failed: number;
  /** pgbench's own CPU, % of one core (sampled from /proc each second; approximate). */
  pgbenchCpu?: number;
  command: string;
}

/** A body of the size of a benchmark event (~600 bytes), as a SQL literal. */
const BODY = `'${JSON.stringify({ pad: 'x'.repeat(590) }).slice(0, 600)}'`;

/**
 * pgbench's single-row INSERT rate on `url`: one event-shaped row per transaction, a unique key each
 * time, at the server's own durability settings (synchronous_commit is not touched). The ceiling a
 * one-event-per-commit writer could reach on this server at this concurrency. With
 * `rowsPerTransaction` > 1, each transaction is one INSERT of that many rows, as a group commit
 * writes them: what a stored row costs the server when commits are shared.
 */
export async function runPgbench(
  url: string,
  clients: number,
  seconds: number,
  onWindow?: (phase: 'start' | 'end') => void,
  rowsPerTransaction = 1,
): Promise<PgbenchResult> {
  const db = await openDatabase({ url, poolSize: 2 });
  try {
    await db.sql.exec(`DROP TABLE IF EXISTS bench_insert;
      CREATE TABLE bench_insert (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        event_id text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, event_id))`);
  } finally {
    await db.close();
  }
  const dir = await mkdtemp(join(tmpdir(), 'pronto-pgbench-'));
  try {
    const script = join(dir, 'insert.sql');
    await writeFile(
      script,
      `INSERT INTO bench_insert (tenant_id, event_id, body) VALUES ${Array.from(
        { length: rowsPerTransaction },
        () => `('00000000-0000-4000-8000-000000000001', :client_id || '-' || gen_random_uuid(), ${BODY})`,
      ).join(', ')};\n`,
    );
    const u = new URL(url);
    const args = [
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username) || 'postgres',
      '-n',
      '-c',
      String(clients),
      '-j',
      String(Math.min(2, clients)),
      '-T',
      String(seconds),
      '-f',
      script,
      decodeURIComponent(u.pathname.slice(1)),
    ];
    const child = spawn('pgbench', args, {
      env: { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const started = performance.now();
    let lastCpu = 0;
    const sampler = setInterval(() => {
      if (child.pid !== undefined) lastCpu = processCpuSeconds(child.pid) ?? lastCpu;
    }, 500);
    // Connections take a few ms; the window is pgbench's -T.
    onWindow?.('start');
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
    }).finally(() => clearInterval(sampler));
    onWindow?.('end');
    if (code !== 0) throw new Error(`pgbench exited with ${code}:\n${output}`);
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1];
    if (!tps) throw new Error(`could not read pgbench's tps:\n${output}`);
    const wall = (performance.now() - started) / 1000;
    return {
      tps: Number(tps),
      rowsPerTransaction,
      latencyAvgMs: Number(/latency average = ([\d.]+) ms/.exec(output)?.[1] ?? Number.NaN),
      transactions: Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1] ?? 0),
      failed: Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0),
      ...(lastCpu > 0 ? { pgbenchCpu: Math.round((lastCpu / wall) * 100) } : {}),
      command: `pgbench ${args.join(' ').replace(script, 'insert.sql')}`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
