import { randomUUID } from 'node:crypto';
import type { BusMessage } from '@pronto/bus';
import { type Bus, createInProcessBus } from '@pronto/bus';
import type { AgentCommandV1, CallEventV1 } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import { type Dispatcher, type DispatcherDeps, startDispatcher } from '../start-dispatcher.ts';

/** Every day, all day: tests that are not about the calling window are never blocked by it. */
export const ALWAYS_OPEN = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];

export interface FixtureOptions {
  readonly database?: Database;
  readonly callingWindows?: unknown;
  readonly retryPolicy?: unknown;
  readonly agentGroups?: string[];
  readonly startAt?: string;
}

/**
 * A tenant, a campaign with agent groups, and the helpers a dispatcher test needs: agents, queued
 * leads, a fake clock, and sending what agents and the dialer say over the real in-process bus.
 */
export async function dispatchFixture(options: FixtureOptions = {}) {
  const db = options.database ?? (await openTestDatabase());
  const logger = createLogger({ name: 'test', level: 'silent' });
  const tenant = await createTenant(db.prisma, { slug: `t-${randomUUID().slice(0, 8)}`, name: 'Test Bank' });
  const campaign = await createCampaign(db.prisma, {
    tenantId: tenant.id,
    slug: 'cash-loan',
    name: 'Cash loan',
    slaSeconds: 300,
    slaClock: 'calendar',
    timeZone: 'Europe/Warsaw',
    agentGroups: options.agentGroups ?? ['sales', 'backup'],
    callingWindows: (options.callingWindows ?? ALWAYS_OPEN) as never,
    retryPolicy: (options.retryPolicy ?? {}) as never,
  });
  const clock = { ms: Date.parse(options.startAt ?? '2026-03-30T08:00:00Z') };
  const now = () => new Date(clock.ms);
  const bus = createInProcessBus({ sql: db.sql, logger });
  const dispatchers: Dispatcher[] = [];

  async function start(deps: Partial<DispatcherDeps> = {}) {
    const dispatcher = await startDispatcher({ db, bus, logger, now, loop: false, ...deps });
    dispatchers.push(dispatcher);
    return dispatcher;
  }

  async function addAgent(username: string, groups: string[] = ['sales'], state = 'available') {
    const agent = await db.prisma.agent.create({
      data: {
        tenantId: tenant.id,
        username: `${username}-${randomUUID().slice(0, 6)}`,
        displayName: username,
        passwordHash: 'not-used',
        groups,
        state,
        stateSince: now(),
      },
    });
    return agent.id;
  }

  async function addLead(input: { phone: string; dueInSeconds: number; score?: number; name?: string }) {
    const at = now();
    const [row] = await db.sql.query<{ id: string }>(
      `INSERT INTO lead (tenant_id, campaign_id, phone_e164, name, status, score, score_factors, time_zone,
                         received_at, last_intent_at, anchor_at, due_at, updated_at)
       VALUES ($1, $2, $3, $4, 'queued', $5, '[]', 'Europe/Warsaw', $6, $6, $6, $7, $6) RETURNING id`,
      [
        tenant.id,
        campaign.id,
        input.phone,
        input.name ?? 'Anna Nowak',
        input.score ?? 50,
        at.toISOString(),
        new Date(at.getTime() + input.dueInSeconds * 1_000).toISOString(),
      ],
    );
    return row?.id as string;
  }

  function message(type: string, key: string, payload: unknown): BusMessage {
    return {
      type,
      version: 1,
      id: randomUUID(),
      occurredAt: now().toISOString(),
      key,
      payload,
    } as BusMessage;
  }

  /** Sends an agent's command over the bus and waits until the dispatcher has applied it. */
  async function command(
    agentId: string,
    command: AgentCommandV1['payload']['command'],
    extra: Partial<AgentCommandV1['payload']> = {},
  ) {
    const sent = message('agent.command', agentId, {
      agentId,
      tenantId: tenant.id,
      command,
      at: now().toISOString(),
      ...extra,
    });
    await bus.publish('agent-commands', [sent]);
    await until(async () => {
      const rows = await db.sql.query('SELECT 1 FROM processed_message WHERE message_id = $1', [sent.id]);
      return rows.length > 0;
    });
  }

  /** Sends a call event as a dialer would and waits until the attempt shows it. */
  async function callEvent(
    attempt: { id: string; leadId: string; agentId: string },
    phase: CallEventV1['payload']['phase'],
    extra: Partial<CallEventV1['payload']> = {},
  ) {
    await bus.publish('call-events', [
      message('call.event', attempt.id, {
        attemptId: attempt.id,
        leadId: attempt.leadId,
        tenantId: tenant.id,
        campaignId: campaign.id,
        agentId: attempt.agentId,
        phase,
        at: now().toISOString(),
        ...extra,
      }),
    ]);
    const column = {
      originated: 'unique_id',
      ringing: 'stage',
      answered: 'answered_at',
      bridged: 'bridged_at',
      ended: 'ended_at',
    }[phase];
    await until(async () => {
      const [row] = await db.sql.query<{ v: unknown; stage: string }>(
        `SELECT ${column} AS v, stage FROM attempt WHERE id = $1`,
        [attempt.id],
      );
      return phase === 'ringing' ? row?.stage !== 'dialing' : row?.v != null;
    });
  }

  async function lead(id: string) {
    return db.prisma.lead.findUniqueOrThrow({
      where: { id },
      include: { attempts: { orderBy: { offeredAt: 'asc' } }, history: { orderBy: { id: 'asc' } } },
    });
  }

  async function agent(id: string) {
    return db.prisma.agent.findUniqueOrThrow({ where: { id } });
  }

  /** The attempt the agent holds now. */
  async function held(agentId: string) {
    const attempt = await db.prisma.attempt.findFirst({ where: { agentId, releasedAt: null } });
    return attempt ? { id: attempt.id, leadId: attempt.leadId, agentId, stage: attempt.stage } : undefined;
  }

  return {
    db,
    bus,
    logger,
    tenant,
    campaign,
    clock,
    now,
    start,
    addAgent,
    addLead,
    command,
    callEvent,
    lead,
    agent,
    held,
    advance(seconds: number) {
      clock.ms += seconds * 1_000;
    },
    async close() {
      for (const dispatcher of dispatchers) await dispatcher.stop();
      await bus.close();
      if (!options.database) await db.close();
    },
  };
}

/** Polls a condition (the bus delivers asynchronously); fails after 20 s. */
export async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type DispatchFixture = Awaited<ReturnType<typeof dispatchFixture>>;
export type { Bus };
