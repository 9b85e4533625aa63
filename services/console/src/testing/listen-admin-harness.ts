import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

/** The admin harness on a real port, for a client in another process (the `pronto` CLI). */
export interface ListeningAdminHarness extends AdminHarness {
  /** http://127.0.0.1:<port> */
  url: string;
}

/**
 * startAdminHarness, listening on 127.0.0.1 and a free port. Another process signs with its own clock,
 * so the fake clock starts at the real time (signatures are taken within 300 s of it); a test may still move it.
 */
export async function listenAdminHarness(): Promise<ListeningAdminHarness> {
  const harness = await startAdminHarness();
  harness.clock.ms = Date.now();
  const address = await harness.app.listen({ host: '127.0.0.1', port: 0 });
  return Object.assign(harness, { url: address });
}
