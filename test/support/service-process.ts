import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  /** What the `ready` pattern captured (a URL, for an HTTP service). */
  ready: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit (SIGKILL after 20 s); resolves with the exit code; safe to call twice. */
  stop(): Promise<number | null>;
  output(): string;
}

/**
 * Starts one of Pronto's real entry points (`services/<name>/src/main.ts`) as its own process and
 * waits until its output matches `ready`. A process that does not come up is killed, so a failed
 * start never leaves a server behind.
 */
export async function startService(options: {
  name: string;
  entry: string;
  env: Record<string, string>;
  ready: RegExp;
  timeoutMs?: number;
  /** Node's own flags, before the entry (as a deployment's command line passes them). */
  nodeArgs?: string[];
}): Promise<ServiceProcess> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.entry], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const service: ServiceProcess = {
    ready: '',
    child,
    async kill9() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (running()) child.kill('SIGTERM');
      const timer = setTimeout(() => running() && child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    output: () => output,
  };
  try {
    service.ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.name} did not start within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-50_000);
        const match = options.ready.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] ?? match[0]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(
          new Error(
            `${options.name} exited with ${code ?? child.signalCode} before it was ready:\n${output}`,
          ),
        );
      });
    });
    return service;
  } catch (error) {
    await service.kill9();
    throw error;
  }
}
