import { repoRoot, type ServiceProcess, startService } from './service-process.ts';

export { repoRoot };

export interface ProntoProcess extends ServiceProcess {
  url: string;
}

/**
 * Starts the real embedded process (what `npm start` runs) and waits until it listens. The URL is read
 * from the start banner, which is printed at any LOG_LEVEL.
 */
export async function startPronto(env: Record<string, string>, timeoutMs = 90_000): Promise<ProntoProcess> {
  const service = await startService({
    name: 'Pronto',
    entry: 'services/embedded/src/main.ts',
    env: { PRONTO_DEMO_BOTS: '0', ...env },
    ready: /Health\s+(http:\/\/\S+)\/healthz/,
    timeoutMs,
  });
  return Object.assign(service, { url: service.ready });
}
