import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@pronto/testing';

/** ../shared/kafka beside the repository: a real single-node Kafka for tests. */
const sharedKafka = fileURLToPath(new URL('../../../../../shared/kafka/', import.meta.url));

/**
 * The brokers to test against: KAFKA_BROKERS when set (CI starts one), else a broker started
 * here from ../shared/kafka on a free port and stopped when the tests end.
 */
export function ensureKafka(): string {
  const given = process.env.KAFKA_BROKERS;
  if (given) return given;
  const start = join(sharedKafka, 'start');
  if (!existsSync(start)) {
    throw new Error(
      `KAFKA_BROKERS is not set and ${start} does not exist: start a Kafka broker and set KAFKA_BROKERS=host:port`,
    );
  }
  const port = 39_000 + Math.floor(Math.random() * 900);
  const data = mkdtempSync(join(tmpdir(), 'pronto-kafka-'));
  const out = execFileSync(start, ['--port', String(port), '--data', data], { encoding: 'utf8' });
  const brokers = out.trim().split('=')[1];
  if (!brokers) throw new Error(`unexpected output from ${start}: ${out}`);
  process.env.KAFKA_BROKERS = brokers;
  stopWhenThisProcessEnds(data);
  return brokers;
}

/** A broker of a test's own: `ready` resolves once it takes requests; `stop` stops it and removes its data. */
export interface KafkaBroker {
  readonly brokers: string;
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A fresh broker (no topics, no groups) of this test's own, on free ports, whatever KAFKA_BROKERS
 * says: for tests of what a fresh broker does, such as services started before it is up. Resolves
 * as soon as it is starting, so that a test can start its clients meanwhile.
 */
export async function startKafkaBroker(): Promise<KafkaBroker> {
  const start = join(sharedKafka, 'start');
  if (!existsSync(start)) throw new Error(`${start} does not exist: a fresh Kafka broker cannot be started`);
  const [port, zkPort] = [await freePort(), await freePort()];
  const data = mkdtempSync(join(tmpdir(), 'pronto-kafka-fresh-'));
  stopWhenThisProcessEnds(data);
  const ready = new Promise<void>((resolve, reject) => {
    execFile(
      start,
      ['--port', String(port), '--zk-port', String(zkPort), '--data', data],
      (error, _out, err) =>
        error ? reject(new Error(`${start} failed: ${error.message}\n${err}`)) : resolve(),
    );
  });
  // Observed by the test when it awaits `ready`; not an unhandled rejection meanwhile.
  ready.catch(() => undefined);
  return {
    brokers: `127.0.0.1:${port}`,
    ready,
    stop: async () => {
      await ready.catch(() => undefined);
      await new Promise<void>((resolve) =>
        execFile(join(sharedKafka, 'stop'), ['--data', data, '--purge'], () => resolve()),
      );
    },
  };
}

/**
 * Vitest can end its workers without an 'exit' event, which left brokers running after the tests.
 * A detached watcher reads a pipe from this process: once it closes, however this process ends, the
 * watcher stops the broker and removes its data.
 */
function stopWhenThisProcessEnds(data: string): void {
  const watcher = spawn(
    'sh',
    ['-c', 'read _ ; exec "$0" --data "$1" --purge', join(sharedKafka, 'stop'), data],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    },
  );
  watcher.unref();
  // The pipe stays open for the life of this process without keeping it alive.
  (watcher.stdin as { unref?: () => void } | null)?.unref?.();
}
