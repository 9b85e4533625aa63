import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@pronto/testing';

const EMULATOR = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';
const STARTUP_MS = 60_000;

/**
 * Vitest can end its workers without an 'exit' event, so the emulator is also tied to this process
 * by a pipe on stdin: once it closes, however this process ends, the emulator is stopped. The
 * shell exits with the emulator, so a failed start shows at once.
 */
const SUPERVISE = [
  'exec 3<&0',
  '"$0" "$@" & pid=$!',
  '{ read _ <&3; kill $pid; } & watcher=$!',
  'wait $pid; status=$?',
  'kill $watcher 2>/dev/null',
  'exit $status',
].join('\n');

let started: Promise<string> | undefined;

/**
 * The Pub/Sub emulator to test against: PUBSUB_EMULATOR_HOST when set (CI starts one), else an
 * emulator started here on a free port and stopped when the tests end. It sets
 * PUBSUB_EMULATOR_HOST, which the Pub/Sub client reads to talk to it without credentials.
 */
export function ensurePubSubEmulator(): Promise<string> {
  // The emulator needs no credentials; without this the auth library probes for a GCE metadata
  // server first and warns that there is none.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const given = process.env.PUBSUB_EMULATOR_HOST;
  if (given) return Promise.resolve(given);
  started ??= start();
  return started;
}

async function start(): Promise<string> {
  if (!existsSync(EMULATOR)) {
    throw new Error(
      `PUBSUB_EMULATOR_HOST is not set and ${EMULATOR} does not exist: install it ` +
        '(`gcloud components install pubsub-emulator`, or apt-get install google-cloud-cli-pubsub-emulator) ' +
        'or start one (`gcloud beta emulators pubsub start --host-port=127.0.0.1:8085`) and set ' +
        'PUBSUB_EMULATOR_HOST=127.0.0.1:8085',
    );
  }
  const port = await freePort();
  const log = join(mkdtempSync(join(tmpdir(), 'pronto-pubsub-')), 'emulator.log');
  const out = openSync(log, 'a');
  const child = spawn('/bin/sh', ['-c', SUPERVISE, EMULATOR, ...args(port)], {
    detached: true,
    stdio: ['pipe', out, out],
  });
  closeSync(out);
  child.unref();
  // With stdio 'pipe' the stream is a socket; unreferenced, it does not keep this process alive.
  (child.stdin as Socket | null)?.unref();
  // Its own process group, holding the shell and the JVM, stopped together.
  const stop = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', stop);

  const deadline = Date.now() + STARTUP_MS;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      const tail = readFileSync(log, 'utf8').split('\n').slice(-20).join('\n');
      throw new Error(`the Pub/Sub emulator did not start on 127.0.0.1:${port} (log ${log}):\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const host = `127.0.0.1:${port}`;
  process.env.PUBSUB_EMULATOR_HOST = host;
  return host;
}

const args = (port: number) => ['--host=127.0.0.1', `--port=${port}`];

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Deletes every subscription and topic of an emulator project. The emulator keeps redelivering
 * what a closed test left unacknowledged, at a CPU cost that would skew every test and benchmark
 * that runs after it.
 */
export async function deletePubSubProject(projectId: string): Promise<void> {
  const { PubSub } = await import('@google-cloud/pubsub');
  const pubsub = new PubSub({ projectId });
  try {
    const [subscriptions] = await pubsub.getSubscriptions();
    await Promise.all(subscriptions.map((subscription) => subscription.delete().catch(() => {})));
    const [topics] = await pubsub.getTopics();
    await Promise.all(topics.map((topic) => topic.delete().catch(() => {})));
  } finally {
    await pubsub.close();
  }
}
