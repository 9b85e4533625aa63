import { repoRoot, type ServiceProcess, startService } from './service-process.ts';

export { repoRoot };

export interface ProntoProcess extends ServiceProcess {
  url: string;
}

/**
 * Node's flags for the embedded process, as `npm start` (package.json), the embedded package's
 * `start` and the image's `embedded` command (infra/docker/entrypoint.sh) pass them: V8's young
 * generation capped at 4 MB per semi-space, which keeps the warm-up peak of the resident memory
 * 47-82 MB lower at no measured cost in throughput (docs/benchmarks.md, "What peaks").
 */
export const EMBEDDED_NODE_ARGS = ['--max-semi-space-size=4'];

/**
 * Starts the real embedded process (what `npm start` runs) and waits until it listens. The URL is read
 * from the start banner, which is printed at any LOG_LEVEL.
 */
export async function startPronto(env: Record<string, string>, timeoutMs = 90_000): Promise<ProntoProcess> {
  const service = await startService({
    name: 'Pronto',
    entry: 'services/embedded/src/main.ts',
    nodeArgs: EMBEDDED_NODE_ARGS,
    env: { PRONTO_DEMO_BOTS: '0', ...env },
    ready: /Health\s+(http:\/\/\S+)\/healthz/,
    timeoutMs,
  });
  return Object.assign(service, { url: service.ready });
}
