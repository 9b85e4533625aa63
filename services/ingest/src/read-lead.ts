import type { LeadView, ScoreFactor } from '@pronto/contracts';
import type { PrismaClient } from '@pronto/db';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Met once contacted by the due time; breached once due passes with no contact; else undecided. */
export function slaMet(lead: { dueAt: Date | null; contactedAt: Date | null }, now: Date): boolean | null {
  if (!lead.dueAt) return null;
  if (lead.contactedAt) return lead.contactedAt <= lead.dueAt;
  return now > lead.dueAt ? false : null;
}

/** The lead as its tenant sees it, or null when it does not exist or belongs to another tenant. */
export async function readLead(
  prisma: PrismaClient,
  tenantId: string,
  leadId: string,
  now: Date,
): Promise<LeadView | null> {
  const lead = await prisma.lead.findFirst({
    where: { id: leadId, tenantId },
    include: {
      campaign: { select: { slug: true } },
      attempts: { orderBy: { queuedAt: 'asc' } },
      history: { orderBy: { id: 'asc' } },
    },
  });
  if (!lead) return null;
  return {
    id: lead.id,
    status: lead.status,
    campaign: lead.campaign.slug,
    score: lead.score,
    scoreFactors: (lead.scoreFactors as ScoreFactor[] | null) ?? [],
    timeZone: lead.timeZone,
    receivedAt: lead.receivedAt.toISOString(),
    intents: lead.intentCount,
    sla: {
      anchorAt: iso(lead.anchorAt),
      dueAt: iso(lead.dueAt),
      firstAttemptAt: iso(lead.firstAttemptAt),
      contactedAt: iso(lead.contactedAt),
      met: slaMet(lead, now),
    },
    suppression: lead.suppressionReason ? { reason: lead.suppressionReason } : null,
    attempts: lead.attempts.map((attempt) => ({
      id: attempt.id,
      agentId: attempt.agentId,
      queuedAt: attempt.queuedAt.toISOString(),
      offeredAt: iso(attempt.offeredAt),
      dialedAt: iso(attempt.dialedAt),
      answeredAt: iso(attempt.answeredAt),
      endedAt: iso(attempt.endedAt),
      outcome: attempt.outcome,
      call: {
        agentAnsweredAt: iso(attempt.agentAnsweredAt),
        ringingAt: iso(attempt.ringingAt),
        bridgedAt: iso(attempt.bridgedAt),
        endReason: attempt.endReason,
        causeCode: attempt.hangupCauseCode,
        hangupBy: attempt.hangupBy,
        uniqueId: attempt.uniqueId,
        linkedId: attempt.linkedId,
        personUniqueId: attempt.personUniqueId,
      },
    })),
    history: lead.history.map((entry) => ({
      at: entry.at.toISOString(),
      type: entry.type,
      detail: entry.detail,
    })),
  };
}
