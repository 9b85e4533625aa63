import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ProntoProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit (SIGKILL after 20 s); resolves with the exit code; safe to call twice. */
  stop(): Promise<number | null>;
  output(): string;
}

/**
 * Starts the real embedded process (what `npm start` runs) and waits until it listens. The URL is read
 * from the start banner, which is printed at any LOG_LEVEL. A process that does not come up is killed,
 * so a failed start never leaves a server behind.
 */
export async function startPronto(env: Record<string, string>, timeoutMs = 90_000): Promise<ProntoProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/embedded/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', PRONTO_DEMO_BOTS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const pronto: ProntoProcess = {
    url: '',
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
    pronto.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Pronto did not start within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-50_000);
        const match = /Health\s+(http:\/\/\S+)\/healthz/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`Pronto exited with ${code ?? child.signalCode} before listening:\n${output}`));
      });
    });
    return pronto;
  } catch (error) {
    await pronto.kill9();
    throw error;
  }
}
