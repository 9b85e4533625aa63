import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROBLEM_CONTENT_TYPE } from '@pronto/contracts';
import { verifySignature } from '@pronto/signature';
import type { FastifyInstance } from 'fastify';

/** What the next request meets instead of a clean pass-through: failures seen in real networks. */
export type Fault =
  /** This status (429, 503 ...) as a problem; afterStoring: the real API stored the event first and the answer was lost. */
  | { kind: 'answer'; status: number; retryAfter?: string; afterStoring?: boolean }
  /** The connection closes: before the API sees the request, or after it stored it, halfway through the answer. */
  | { kind: 'drop'; afterStoring?: boolean }
  /** Never answers (until the door closes). */
  | { kind: 'hang' };

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
  timestamp: string | undefined;
  /** Whether the signature verified with the key's secret at the API's clock. */
  signed: boolean;
}

export interface FrontDoor {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Used up one per request, in order; when empty, requests pass through to the real API. */
  faults: Fault[];
  close(): Promise<void>;
}

/**
 * A socket in front of the real intake app (a load balancer or proxy, as a client meets it), which
 * records what passes and can fail on demand. Everything it lets through is answered by the real
 * API on a real database. `maxBodyBytes` plays a proxy's body limit (nginx's client_max_body_size).
 */
export async function startFrontDoor(options: {
  app: FastifyInstance;
  keyId: string;
  secret: string;
  now: () => number;
  port?: number;
  maxBodyBytes?: number;
}): Promise<FrontDoor> {
  const door: FrontDoor = { url: '', port: 0, requests: [], faults: [], close: async () => {} };

  async function serve(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request);
    const path = request.url ?? '/';
    const timestamp = header(request, 'pronto-timestamp');
    const signed =
      header(request, 'pronto-key-id') === options.keyId &&
      verifySignature({
        timestampHeader: timestamp,
        signatureHeader: header(request, 'pronto-signature'),
        secrets: [options.secret],
        nowMs: options.now(),
        method: request.method ?? '',
        pathWithQuery: path,
        body,
      }).ok;
    door.requests.push({ method: request.method ?? '', path, body, timestamp, signed });
    if (options.maxBodyBytes !== undefined && Buffer.byteLength(body) > options.maxBodyBytes) {
      return problem(response, 413);
    }
    const fault = door.faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault && !fault.afterStoring) {
      if (fault.kind === 'drop') return request.socket.destroy();
      return problem(response, fault.status, fault.retryAfter);
    }
    const answer = await options.app.inject({
      method: request.method as 'GET' | 'POST',
      url: path,
      headers: request.headers,
      ...(body ? { payload: body } : {}),
    });
    if (fault?.kind === 'answer') return problem(response, fault.status, fault.retryAfter);
    if (fault?.kind === 'drop') {
      // Promise the whole answer, send half of it, and hang up.
      response.writeHead(answer.statusCode, {
        'content-type': String(answer.headers['content-type']),
        'content-length': Buffer.byteLength(answer.body),
      });
      response.write(answer.body.slice(0, answer.body.length >> 1), () => request.socket.destroy());
      return;
    }
    const headers: Record<string, string> = { 'content-type': String(answer.headers['content-type']) };
    if (answer.headers['retry-after']) headers['retry-after'] = String(answer.headers['retry-after']);
    response.writeHead(answer.statusCode, headers);
    response.end(answer.body);
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  door.port = (server.address() as AddressInfo).port;
  door.url = `http://127.0.0.1:${door.port}`;
  door.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return door;
}

function problem(response: ServerResponse, status: number, retryAfter?: string) {
  response.writeHead(status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    ...(retryAfter ? { 'retry-after': retryAfter } : {}),
  });
  response.end(
    JSON.stringify({ type: '/problems/from-the-front-door', title: `Front door answered ${status}`, status }),
  );
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
