import { Writable } from 'node:stream';
import { createLogger } from '@pronto/telemetry';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { expect, it } from 'vitest';

// The gateway logs every request (fastify's default) and fastify logs a 5xx with the error's message
// as the line's message; a number in the path or an error that echoes the body must not reach them.
it("fastify's request and 5xx lines hold no phone number, body or error parameter", async () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = Fastify({
    loggerInstance: createLogger({ name: 'gateway-test', destination }) as FastifyBaseLogger,
  });
  app.post('/agent/calls/:phone', async (request) => {
    const { phone } = request.body as { phone: string };
    throw Object.assign(new Error(`no route to "${phone}"`), { params: [phone], body: request.body });
  });
  const answer = await app.inject({
    method: 'POST',
    url: '/agent/calls/+48601234567?callback=48601234567',
    payload: { phone: '+48 601 234 567', password: 'hunter2' },
  });
  await app.close();
  expect(answer.statusCode).toBe(500);
  const text = lines.join('');
  expect(text).toContain('"statusCode":500');
  expect(text).toContain('incoming request');
  // The number's digit groups in any spacing (not "601" alone: a line's responseTime may hold it).
  expect(text).not.toMatch(/601 ?234|234 ?567|hunter2/);
});
