import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ConsumerProcessSpec } from './consumer-process.ts';

export interface ConsumerProcess {
  /** Ids of the messages the process finished handling (each printed before its acknowledgement). */
  readonly handled: ReadonlySet<string>;
  /** SIGKILL: no close, no acknowledgement flushed, as a crash or an OOM killer would. */
  kill(): void;
  readonly exited: Promise<void>;
}

const script = fileURLToPath(new URL('./consumer-process.ts', import.meta.url));
const READY_MS = 60_000;

/** Starts consumer-process.ts under `node --import tsx` and resolves once it has subscribed. */
export async function startConsumerProcess(spec: ConsumerProcessSpec): Promise<ConsumerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });
  const handled = new Set<string>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`consumer process not ready in ${READY_MS} ms: ${stderr}`)),
      READY_MS,
    );
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`consumer process exited before it was ready: ${stderr}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (line.startsWith('handled ')) handled.add(line.slice('handled '.length));
    });
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await ready;
  } catch (error) {
    kill();
    await exited;
    throw error;
  }
  return { handled, kill, exited };
}
