import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './testing/ingest-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Writes raw bytes to the app's port and reads what comes back until the server closes. */
function rawExchange(port: number, request: string | Buffer) {
  return new Promise<{ text: string; closedAfterMs: number }>((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closedAfterMs: Date.now() - started }),
    );
    socket.write(request);
  });
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
const bodyOf = (text: string) =>
  JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

async function listening(requestTimeoutMs?: number) {
  h = await startHarness({ deps: requestTimeoutMs ? { http: { requestTimeoutMs } } : {} });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  return (h.app.server.address() as AddressInfo).port;
}

describe('requests that never finish arriving', () => {
  it('closes 20 connections that send their headers and then drip the body, within the request timeout, answering 408 problem+json', async () => {
    const timeoutMs = 1_000;
    const port = await listening(timeoutMs);
    const drip = () =>
      new Promise<{ text: string; closedAfterMs: number }>((resolve, reject) => {
        const started = Date.now();
        const socket = connect(port, '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('error', reject);
        // One byte every 100 ms: never idle long enough for an idle timeout to notice.
        const dripping = setInterval(() => socket.writable && socket.write('{'), 100);
        socket.on('close', () => {
          clearInterval(dripping);
          resolve({ text: Buffer.concat(chunks).toString('latin1'), closedAfterMs: Date.now() - started });
        });
        socket.write(
          'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
        );
      });
    const results = await Promise.all(Array.from({ length: 20 }, drip));
    for (const { text, closedAfterMs } of results) {
      expect(statusOf(text)).toBe(408);
      expect(text).toMatch(/content-type: application\/problem\+json/i);
      expect(bodyOf(text)).toMatchObject({ type: '/problems/request-timeout', status: 408 });
      // The bound: the timeout plus Node's check interval (a tenth of it) and some slack for a busy machine.
      expect(closedAfterMs).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(closedAfterMs).toBeLessThan(timeoutMs + 1_500);
    }
    process.stdout.write(
      `slow bodies closed after ${Math.min(...results.map((r) => r.closedAfterMs))}-${Math.max(...results.map((r) => r.closedAfterMs))} ms (timeout ${timeoutMs} ms)\n`,
    );
  });
});

describe('URLs that are too long', () => {
  it('answers a 100 KB URL with a 414 problem+json, before any route', async () => {
    const port = await listening();
    const { text } = await rawExchange(
      port,
      `GET /v1/leads/${'a'.repeat(100 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(statusOf(text)).toBe(414);
    expect(text).toMatch(/content-type: application\/problem\+json/i);
    expect(bodyOf(text)).toMatchObject({ type: '/problems/uri-too-long', status: 414 });
  });

  it('answers 431 problem+json when a header, not the URL, is too large', async () => {
    const port = await listening();
    const { text } = await rawExchange(
      port,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'p'.repeat(32 * 1024)}\r\n\r\n`,
    );
    expect(statusOf(text)).toBe(431);
    expect(bodyOf(text)).toMatchObject({ type: '/problems/request-headers-too-large', status: 431 });
  });

  it('answers a path parameter over fastify maxParamLength with a 414 problem+json', async () => {
    h = await startHarness();
    const response = await h.app.inject({ method: 'GET', url: `/v1/leads/${'b'.repeat(500)}` });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/uri-too-long', status: 414 });
  });

  it('answers bytes that are not HTTP with a 400 problem+json', async () => {
    const port = await listening();
    const { text } = await rawExchange(port, 'HELLO\r\n\r\n');
    expect(statusOf(text)).toBe(400);
    expect(bodyOf(text)).toMatchObject({ type: '/problems/bad-request', status: 400 });
  });
});

describe('security headers of the API', () => {
  it('forbids framing and sniffing on API answers and errors', async () => {
    h = await startHarness();
    for (const url of ['/healthz', '/v1/leads/x', '/nowhere']) {
      const response = await h.app.inject({ method: 'GET', url });
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
