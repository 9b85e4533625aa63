import { createLogger } from '@pronto/telemetry';
import { openTestDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { buildHealthApp, startHealthServer } from './health-server.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('the health server of a process with no other HTTP', () => {
  it('answers 200 while the database answers, then 503 with Retry-After once it does not', async () => {
    const db = await openTestDatabase('pglite');
    const app = await buildHealthApp({ db, logger, service: 'scoring' });
    try {
      const up = await app.inject({ method: 'GET', url: '/healthz' });
      expect(up.statusCode).toBe(200);
      expect(up.json()).toEqual({ status: 'ok', database: 'pglite' });

      await db.close();
      const down = await app.inject({ method: 'GET', url: '/healthz' });
      expect(down.statusCode).toBe(503);
      expect(down.headers['retry-after']).toBe('5');
      expect(down.json()).toMatchObject({ status: 'unavailable', database: 'pglite' });
      // It serves nothing else.
      expect((await app.inject({ method: 'GET', url: '/v1/events' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('listens on the port it is given, logs `listening` with its URL, and stops answering once closed', async () => {
    const db = await openTestDatabase('pglite');
    const lines: string[] = [];
    const recording = createLogger({
      name: 'scoring',
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    const server = await startHealthServer({
      db,
      logger: recording,
      port: 0,
      host: '127.0.0.1',
      service: 'scoring',
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', database: 'pglite' });
      expect(
        lines.some((line) => line.includes('"msg":"listening"') && line.includes(`"url":"${server.url}"`)),
      ).toBe(true);
    } finally {
      await server.close();
      await db.close();
    }
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
