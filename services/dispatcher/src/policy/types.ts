/**
 * The dispatch policy's inputs and output. A policy is a pure function: the same queue, agents and
 * time always give the same assignments, so it can be unit-tested, benchmarked and replaced.
 * Times are epoch milliseconds.
 */
export interface QueuedLead {
  readonly id: string;
  readonly campaignId: string;
  /** The SLA due time. */
  readonly dueAt: number;
  /** 0-100. */
  readonly score: number;
  /** When the lead (re)entered the queue; the last tie-breaker, oldest first. */
  readonly queuedAt: number;
  /**
   * Agents who turned this lead down (or whose phone missed it too often): it waits for someone
   * else rather than going back to them.
   */
  readonly declinedBy?: readonly string[];
  /**
   * Agents who just missed this lead (the offer timed out, or their phone did not answer or
   * rejected the call): another free agent takes it first; they get it only when nobody else can.
   */
  readonly missedBy?: readonly string[];
}

export interface FreeAgent {
  readonly id: string;
  /** The agent groups the agent belongs to. */
  readonly groups: readonly string[];
  /** Since when the agent has been available: the longest idle agent takes the next lead. */
  readonly availableSince: number;
}

export interface CampaignRules {
  readonly id: string;
  /** Agent groups in order: the first is primary, the others are backups that take overflow. */
  readonly agentGroups: readonly string[];
  /** A lead whose slack is below this may go to a backup group when no primary agent is free. */
  readonly overflowThresholdMs: number;
}

export interface Assignment {
  readonly leadId: string;
  readonly agentId: string;
  /** The group through which the agent took the lead. */
  readonly group: string;
  /** true when a backup group took it. */
  readonly overflow: boolean;
  /** due - now at the decision, for the history (negative once breached). */
  readonly slackMs: number;
}

export interface PolicyInput {
  readonly queue: readonly QueuedLead[];
  readonly agents: readonly FreeAgent[];
  readonly campaigns: ReadonlyMap<string, CampaignRules>;
  readonly now: number;
}

/** Which lead goes to which free agent now. Each lead and each agent appears at most once. */
export type DispatchPolicy = (input: PolicyInput) => Assignment[];
