import { type AgentPool, createAgentPool } from './agent-pool.ts';
import { IndexHeap } from './heap.ts';
import { type LeadOrder, SortKeys } from './lead-order.ts';
import type { Assignment, CampaignRules, DispatchPolicy, PolicyInput, QueuedLead } from './types.ts';

/** Compares two leads of the round's queue by index: negative when `a` goes first. */
type LeadComparator = (a: number, b: number) => number;

/**
 * Per-lead index buffers kept from one round to the next, like the sort keys: allocating them per
 * round made the garbage collector pause rounds. Rounds run synchronously, so two never share them.
 */
class IndexBuffers {
  private bucketOfStore = new Int32Array(0);
  private indexesStore = new Int32Array(0);

  /** One entry per queued lead, all -1. */
  bucketOf(size: number): Int32Array {
    if (this.bucketOfStore.length < size) this.bucketOfStore = new Int32Array(size);
    return this.bucketOfStore.subarray(0, size).fill(-1);
  }

  indexes(size: number): Int32Array {
    if (this.indexesStore.length < size) this.indexesStore = new Int32Array(size);
    return this.indexesStore.subarray(0, size);
  }
}

/**
 * Leads of one campaign on one side of its overflow threshold. They may all use the same groups, so
 * either each of them can still get an agent or none can: a bucket with no agent left is dropped
 * whole instead of being walked lead by lead.
 */
interface Bucket {
  /** The groups to try, in order: the primary, then (below the threshold only) the backups. */
  readonly groups: readonly string[];
  /** Queue indexes, best lead first. */
  readonly leads: IndexHeap;
}

/** A bucket while the queue is being counted into it. */
interface BucketSpec {
  readonly number: number;
  readonly groups: readonly string[];
  size: number;
}

/** A campaign's two buckets; undefined for a side whose groups have no free agent this round. */
interface CampaignSides {
  readonly overflowThresholdMs: number;
  readonly below: BucketSpec | undefined;
  readonly above: BucketSpec | undefined;
}

interface Classified {
  readonly specs: readonly BucketSpec[];
  /** Each queued lead's bucket number, by queue index; -1 when no free agent could take it this round. */
  readonly bucketOf: Int32Array;
}

function hasFreeAgent(groups: readonly string[], pool: AgentPool): boolean {
  for (const group of groups) if (pool.hasFree(group)) return true;
  return false;
}

/** null for a campaign that is unknown or has no groups: its leads are skipped. */
function campaignSides(
  rules: CampaignRules | undefined,
  pool: AgentPool,
  specs: BucketSpec[],
): CampaignSides | null {
  const primary = rules?.agentGroups[0];
  if (rules === undefined || primary === undefined) return null;
  const open = (groups: readonly string[]) => {
    if (!hasFreeAgent(groups, pool)) return undefined;
    const spec = { number: specs.length, groups, size: 0 };
    specs.push(spec);
    return spec;
  };
  return {
    overflowThresholdMs: rules.overflowThresholdMs,
    below: open(rules.agentGroups),
    above: open([primary]),
  };
}

/**
 * Puts each lead in its bucket, leaving out those no free agent could take: agents are taken during
 * a round, never freed, so those cannot be assigned in it, and the most common round, one agent
 * freeing up in front of a long queue, does not order them.
 */
function classifyLeads(
  { queue, campaigns, now }: PolicyInput,
  pool: AgentPool,
  buffers: IndexBuffers,
): Classified {
  const specs: BucketSpec[] = [];
  const sidesByCampaign = new Map<string, CampaignSides | null>();
  const bucketOf = buffers.bucketOf(queue.length);
  queue.forEach((lead, index) => {
    let sides = sidesByCampaign.get(lead.campaignId);
    if (sides === undefined) {
      sides = campaignSides(campaigns.get(lead.campaignId), pool, specs);
      sidesByCampaign.set(lead.campaignId, sides);
    }
    if (sides === null) return;
    const spec = lead.dueAt - now < sides.overflowThresholdMs ? sides.below : sides.above;
    if (spec === undefined) return;
    bucketOf[index] = spec.number;
    spec.size += 1;
  });
  return { specs, bucketOf };
}

/**
 * A counting sort: each non-empty bucket's queue indexes, in queue order, as subarrays of one
 * Int32Array, so that ordering them allocates nothing per lead.
 */
function indexesByBucket(
  { specs, bucketOf }: Classified,
  buffers: IndexBuffers,
): { groups: readonly string[]; indexes: Int32Array }[] {
  const all = buffers.indexes(bucketOf.length);
  const next: number[] = [];
  let start = 0;
  const byBucket = specs.map(({ groups, size }) => {
    next.push(start);
    start += size;
    return { groups, indexes: all.subarray(start - size, start) };
  });
  for (let index = 0; index < bucketOf.length; index += 1) {
    const bucket = bucketOf[index] as number;
    // Checked before the lookup: reading index -1 of an array is a slow property lookup in V8.
    if (bucket < 0) continue;
    const at = next[bucket] as number;
    all[at] = index;
    next[bucket] = at + 1;
  }
  return byBucket.filter(({ indexes }) => indexes.length > 0);
}

/** The longest idle agent of the first group in order that has one; overflow when it is not the primary. */
function assignLead(
  lead: QueuedLead,
  groups: readonly string[],
  pool: AgentPool,
  now: number,
): Assignment | undefined {
  const declined = lead.declinedBy ?? [];
  if (lead.missedBy?.length) {
    // Another agent first; the one who just missed it only when nobody else can take it now, so
    // the lead is not held back (a second miss in a row pauses that agent anyway).
    const other = firstFree(lead, groups, pool, now, [...declined, ...lead.missedBy]);
    if (other !== undefined) return other;
  }
  return firstFree(lead, groups, pool, now, declined);
}

function firstFree(
  lead: QueuedLead,
  groups: readonly string[],
  pool: AgentPool,
  now: number,
  skip: readonly string[],
): Assignment | undefined {
  let overflow = false;
  for (const group of groups) {
    // Agents who turned this lead down are passed over; they stay free for other leads.
    const agent = skip.length > 0 ? pool.takeExcept(group, skip) : pool.take(group);
    if (agent !== undefined)
      return { leadId: lead.id, agentId: agent.id, group, overflow, slackMs: lead.dueAt - now };
    overflow = true;
  }
  return undefined;
}

/**
 * The same assignments as walking the whole queue in order, skipping each lead nobody can take, but
 * without visiting those: the buckets are merged on their best lead, and a bucket is dropped as soon
 * as its groups run out of agents. Stops once every agent is taken.
 */
function assignBestFirst(
  { queue, now }: PolicyInput,
  buckets: readonly Bucket[],
  compare: LeadComparator,
  pool: AgentPool,
): Assignment[] {
  const head = (bucket: number) => (buckets[bucket] as Bucket).leads.peek();
  const byBestLead = new IndexHeap(Int32Array.from(buckets.keys()), (a, b) => compare(head(a), head(b)));
  const assignments: Assignment[] = [];
  // By id, so that a lead listed twice in the queue is still held by one agent only.
  const assignedLeads = new Set<string>();
  while (pool.remaining > 0 && byBestLead.size > 0) {
    const bucket = buckets[byBestLead.peek()] as Bucket;
    if (!hasFreeAgent(bucket.groups, pool)) {
      byBestLead.pop();
      continue;
    }
    const lead = queue[bucket.leads.pop()] as QueuedLead;
    if (bucket.leads.size === 0) byBestLead.pop();
    else byBestLead.settleTop();
    if (assignedLeads.has(lead.id)) continue;
    const assignment = assignLead(lead, bucket.groups, pool, now);
    if (assignment === undefined) continue;
    assignments.push(assignment);
    assignedLeads.add(lead.id);
  }
  return assignments;
}

/** A dispatch policy from a lead order. It reads its input and never changes it. */
export function createPolicy(order: LeadOrder): DispatchPolicy {
  const keys = new SortKeys(order);
  const compare: LeadComparator = (a, b) => keys.compare(a, b);
  const buffers = new IndexBuffers();
  return (input) => {
    const pool = createAgentPool(input.agents);
    if (pool.remaining === 0) return [];
    const classified = classifyLeads(input, pool, buffers);
    keys.load(input.queue, input.now);
    const buckets = indexesByBucket(classified, buffers).map(({ groups, indexes }) => ({
      groups,
      leads: new IndexHeap(indexes, compare),
    }));
    return assignBestFirst(input, buckets, compare, pool);
  };
}
