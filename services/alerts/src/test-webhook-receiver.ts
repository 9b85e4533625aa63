import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertPayload } from './alert-payload.ts';

export interface ReceivedAlert {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  body: string;
  alert: AlertPayload;
  status: number;
  /** The test's clock when it came in: the receiver checks the timestamp against it. */
  atMs: number;
}

export interface TestWebhookReceiver {
  url: string;
  received: ReceivedAlert[];
  /** Status codes a path answers with, in turn; the last one repeats (default 200). */
  answers: Map<string, number[]>;
  to(path: string): ReceivedAlert[];
  close(): Promise<void>;
}

/** A client's server for tests: a real HTTP server on 127.0.0.1 that records every alert. */
export async function startTestWebhookReceiver(clockMs: () => number): Promise<TestWebhookReceiver> {
  const received: ReceivedAlert[] = [];
  const answers = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const script = answers.get(path) ?? [200];
      const status = script.length > 1 ? (script.shift() as number) : (script[0] ?? 200);
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        path,
        headers: request.headers,
        body,
        alert: JSON.parse(body),
        status,
        atMs: clockMs(),
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answers,
    to: (path) => received.filter((request) => request.path === path),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
