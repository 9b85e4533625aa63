import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { type Bus, createInProcessBus, type Subscription } from '@pronto/bus';
import { type AgentCommandV1, AgentUpdateV1 } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import { httpServerOptions } from '@pronto/http';
import { createLogger, type Logger } from '@pronto/telemetry';
import { createAgent, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { vi } from 'vitest';
import { WebSocket } from 'ws';
import { type AgentGateway, type AgentGatewayDeps, registerAgentGateway } from '../register-agent-gateway.ts';

export type AgentUpdate = AgentUpdateV1['payload'];
type Stage = NonNullable<AgentUpdate['attempt']>['stage'];

const WAIT = { timeout: 10_000, interval: 10 };

/**
 * A real gateway for tests: a fresh embedded database, the in-process bus, a fastify app on a
 * free port of 127.0.0.1 and a clock the test moves. It records every agent command published
 * and every log line.
 */
export interface GatewayHarness {
  readonly db: Database;
  readonly bus: Bus;
  readonly app: FastifyInstance;
  readonly gateway: AgentGateway;
  readonly baseUrl: string;
  readonly tenantId: string;
  readonly logger: Logger;
  /** Every agent command published so far, in order. */
  readonly commands: AgentCommandV1[];
  /** Every log line so far, as written. */
  readonly logLines: string[];
  advanceClock(ms: number): void;
  now(): Date;
  addAgent(username: string, password?: string): Promise<{ id: string; username: string; password: string }>;
  /** Signs in over HTTP and returns the `pronto_agent=...` pair for a Cookie header. */
  signIn(username: string, password?: string): Promise<string>;
  openSocket(cookie: string): Promise<TestSocket>;
  publishUpdate(update: AgentUpdate): Promise<void>;
  /** Waits for a published command that matches. */
  command(match: (command: AgentCommandV1['payload']) => boolean): Promise<AgentCommandV1['payload']>;
  close(): Promise<void>;
}

export async function startGatewayHarness(
  options: Partial<
    Pick<AgentGatewayDeps, 'publicDir' | 'heartbeatIntervalMs' | 'http' | 'signInsPerAddressPerMinute'>
  > = {},
): Promise<GatewayHarness> {
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name: 'agent-gateway-test', level: 'debug', destination });
  const db = await openTestDatabase();
  const bus = createInProcessBus({ sql: db.sql, logger });
  let clock = new Date('2026-11-24T10:00:00.000Z');
  const now = () => clock;
  const commands: AgentCommandV1[] = [];
  const recorder: Subscription = await bus.subscribe({
    topic: 'agent-commands',
    group: `test-${randomUUID()}`,
    handler: async ({ message }) => {
      commands.push(message as AgentCommandV1);
    },
  });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    ...httpServerOptions({
      trustProxy: options.http?.trustProxy ?? false,
      requestTimeoutMs: options.http?.requestTimeoutMs ?? 30_000,
    }),
  });
  const gateway = await registerAgentGateway(app, { db, bus, logger, now, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const tenant = await createTenant(db.prisma, { slug: 'bank', name: 'Bank' });
  const sockets: TestSocket[] = [];

  const harness: GatewayHarness = {
    db,
    bus,
    app,
    gateway,
    baseUrl,
    tenantId: tenant.id,
    logger,
    commands,
    logLines,
    now,
    advanceClock(ms) {
      clock = new Date(clock.getTime() + ms);
    },
    async addAgent(username, password = `${username}-password`) {
      const agent = await createAgent(db.prisma, {
        tenantId: tenant.id,
        username,
        displayName: `Agent ${username}`,
        password,
        groups: ['loans'],
      });
      return { id: agent.id, username, password };
    },
    async signIn(username, password = `${username}-password`) {
      const response = await fetch(`${baseUrl}/agent/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (response.status !== 200) throw new Error(`sign-in answered ${response.status}`);
      const pair = response.headers.getSetCookie()[0]?.split(';')[0];
      if (!pair) throw new Error('no cookie');
      return pair;
    },
    async openSocket(cookie) {
      const socket = await TestSocket.open(`${baseUrl.replace('http', 'ws')}/agent/ws`, cookie, baseUrl);
      sockets.push(socket);
      return socket;
    },
    async publishUpdate(update) {
      await bus.publish(AgentUpdateV1.topic, [
        {
          type: AgentUpdateV1.type,
          version: 1,
          id: randomUUID(),
          occurredAt: clock.toISOString(),
          key: update.agentId,
          payload: update,
        },
      ]);
    },
    command(match) {
      return vi.waitFor(() => {
        const found = commands.map((command) => command.payload).find(match);
        if (!found) throw new Error('no such command yet');
        return found;
      }, WAIT);
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await app.close();
      await recorder.close();
      await bus.close();
      await db.close();
    },
  };
  return harness;
}

/** A desktop's socket: every message it received, and how it closed. */
export class TestSocket {
  readonly messages: ({ type: string } & Record<string, unknown>)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** `origin`: the page's, as a browser sends it (the gateway refuses a socket without it). */
  static open(url: string, cookie: string, origin: string): Promise<TestSocket> {
    const socket = new WebSocket(url, { headers: { cookie, origin } });
    const opened = new TestSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(opened));
      socket.once('error', reject);
    });
  }

  send(message: object | string) {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  get isOpen() {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Waits for a received message that matches. */
  next(match: (message: { type: string } & Record<string, unknown>) => boolean) {
    return vi.waitFor(() => {
      const found = this.messages.find(match);
      if (!found) throw new Error('no such message yet');
      return found;
    }, WAIT);
  }

  close() {
    this.socket.close(1000);
  }

  terminate() {
    this.socket.terminate();
  }
}

/** What the upgrade answered when the server refused it. */
export function refusedUpgrade(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; contentType: string | undefined }>((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (request, response) => {
      resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] });
      request.destroy();
    });
    socket.on('error', () => {});
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
  });
}

/** A complete AgentUpdateV1 payload; the lead is always the same demo person. */
export function agentUpdate(
  agent: { id: string; tenantId: string },
  agentVersion: number,
  stage: Stage | null,
  attemptId = '7d3c7a52-4c43-4b8e-9d0e-0f7a3c1d2e01',
): AgentUpdate {
  const at = '2026-11-24T10:00:00.000Z';
  const state = stage === null ? 'available' : stage === 'offered' ? 'offered' : 'on_call';
  return {
    agentId: agent.id,
    tenantId: agent.tenantId,
    agentVersion,
    state,
    pauseReason: null,
    stateSince: at,
    reason: stage ?? 'online',
    attempt:
      stage === null
        ? null
        : {
            attemptId,
            stage,
            offeredAt: at,
            offerExpiresAt: '2026-11-24T10:00:15.000Z',
            acceptedAt: stage === 'offered' ? null : at,
            dialedAt: null,
            answeredAt: stage === 'connected' ? at : null,
            endedAt: null,
            outcome: null,
            disposition: null,
            lead: {
              leadId: '5b0e3c1a-2f4d-4e6a-8b9c-1d2e3f4a5b6c',
              name: 'Jan Kowalski',
              phone: stage === 'offered' ? null : '+48601234567',
              campaign: 'cash-loan',
              product: 'cash_loan',
              amount: 20_000,
              currency: 'PLN',
              termMonths: 36,
              eligibility: 'pre_approved',
              intentType: 'offer_check',
              intentAt: at,
              intents: 1,
              pageUrl: null,
              score: 80,
              scoreFactors: [],
              receivedAt: at,
              dueAt: '2026-11-24T10:05:00.000Z',
              timeZone: 'Europe/Warsaw',
              attemptNumber: 1,
            },
          },
  };
}
