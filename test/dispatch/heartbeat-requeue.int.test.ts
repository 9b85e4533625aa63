import { startGatewayHarness } from '@pronto/agent-gateway/testing';
import { startDispatcher } from '@pronto/dispatcher';
import { ALWAYS_OPEN, until } from '@pronto/dispatcher/testing';
import { createCampaign } from '@pronto/tenancy';
import { afterEach, describe, expect, it } from 'vitest';

type Harness = Awaited<ReturnType<typeof startGatewayHarness>>;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface Offer {
  type: string;
  update?: {
    attempt?: { stage: string; attemptId: string; lead: { leadId: string; phone: string | null } } | null;
  };
}
const isOfferOf = (leadId: string) => (message: Offer) =>
  message.type === 'update' &&
  message.update?.attempt?.stage === 'offered' &&
  message.update.attempt.lead.leadId === leadId;

describe('a desktop that goes silent', () => {
  it('is marked offline within 15 s and its offered lead goes to the next agent', async () => {
    harness = await startGatewayHarness();
    const h = harness;
    const campaign = await createCampaign(h.db.prisma, {
      tenantId: h.tenantId,
      slug: 'cash-loan',
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
      agentGroups: ['loans'],
      callingWindows: ALWAYS_OPEN,
    });
    const dispatcher = await startDispatcher({
      db: h.db,
      bus: h.bus,
      logger: h.logger,
      now: h.now,
      loop: false,
    });
    try {
      const silent = await h.addAgent('silent');
      const awake = await h.addAgent('awake');
      const silentSocket = await h.openSocket(await h.signIn('silent'));
      await until(
        async () =>
          (await h.db.prisma.agent.findUniqueOrThrow({ where: { id: silent.id } })).state === 'available',
      );

      const at = h.now();
      const [lead] = await h.db.sql.query<{ id: string }>(
        `INSERT INTO lead (tenant_id, campaign_id, phone_e164, name, status, score, time_zone, received_at,
                           last_intent_at, anchor_at, due_at, updated_at)
         VALUES ($1, $2, '+48601999001', 'Jan Kowalski', 'queued', 70, 'Europe/Warsaw', $3, $3, $3, $4, $3)
         RETURNING id`,
        [h.tenantId, campaign.id, at.toISOString(), new Date(at.getTime() + 300_000).toISOString()],
      );
      const leadId = lead?.id as string;
      await dispatcher.runOnce();
      const offer = (await silentSocket.next(isOfferOf(leadId) as never)) as Offer;
      // The phone stays hidden until the agent accepts.
      expect(offer.update?.attempt?.lead.phone).toBeNull();

      // The desktop sends nothing more (a laptop lid closed, a network gone). 10 s is not yet silence...
      h.advanceClock(10_000);
      await h.gateway.sweep();
      expect(silentSocket.isOpen).toBe(true);
      // ... 16 s is.
      h.advanceClock(6_000);
      await h.gateway.sweep();
      expect((await silentSocket.closed).code).toBe(4408);
      await until(
        async () =>
          (await h.db.prisma.agent.findUniqueOrThrow({ where: { id: silent.id } })).state === 'offline',
      );
      const requeued = await h.db.prisma.lead.findUniqueOrThrow({
        where: { id: leadId },
        include: { history: true },
      });
      expect(requeued.status).toBe('queued');
      expect(
        requeued.history.map((entry) => [entry.type, (entry.detail as { why?: string }).why]),
      ).toContainEqual(['offer_missed', 'agent_offline']);

      const awakeSocket = await h.openSocket(await h.signIn('awake'));
      await until(
        async () =>
          (await h.db.prisma.agent.findUniqueOrThrow({ where: { id: awake.id } })).state === 'available',
      );
      await dispatcher.runOnce();
      await awakeSocket.next(isOfferOf(leadId) as never);
      const attempts = await h.db.prisma.attempt.findMany({
        where: { leadId },
        orderBy: { offeredAt: 'asc' },
      });
      expect(attempts.map((attempt) => [attempt.agentId, attempt.endReason])).toEqual([
        [silent.id, 'agent_offline'],
        [awake.id, null],
      ]);
    } finally {
      await dispatcher.stop();
    }
  });
});
