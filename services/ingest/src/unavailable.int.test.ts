import { connect, createServer, type Server, type Socket } from 'node:net';
import { openDatabase } from '@pronto/db';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { exampleEvent, startHarness } from './testing/ingest-harness.ts';

describe('when the database is unavailable', () => {
  it('answers 503 with Retry-After, never 202, and /healthz says so', async () => {
    const h = await startHarness();
    try {
      expect((await h.send('POST', '/v1/events', exampleEvent())).statusCode).toBe(202);
      await h.db.close();
      const event = exampleEvent();
      const response = await h.send('POST', '/v1/events', event);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
      const health = await h.app.inject('/healthz');
      expect(health.statusCode).toBe(503);
    } finally {
      await h.close();
    }
  });
});

/** A TCP relay in front of PostgreSQL that the test can cut and restore, like a network outage. */
async function startRelay(
  target: URL,
): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    port,
    async cut() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    restore: listen,
  };
}

describe.runIf(process.env.DATABASE_URL)('when the network to PostgreSQL fails', () => {
  it('answers 503 during the outage and 202 again once it is back, without a restart', async () => {
    const url = new URL(await createScratchDatabase());
    const relay = await startRelay(url);
    const viaRelay = new URL(url);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(relay.port);
    const db = await openDatabase({ url: viaRelay.toString(), connectTimeoutMs: 1_000 });
    const h = await startHarness({ db });
    try {
      expect((await h.send('POST', '/v1/events', exampleEvent())).statusCode).toBe(202);
      await relay.cut();
      const during = await h.send('POST', '/v1/events', exampleEvent());
      expect(during.statusCode).toBe(503);
      expect(during.headers['retry-after']).toBe('5');
      await relay.restore();
      expect((await h.send('POST', '/v1/events', exampleEvent())).statusCode).toBe(202);
    } finally {
      await h.close();
      await dropScratchDatabase(url.toString());
    }
  });
});
