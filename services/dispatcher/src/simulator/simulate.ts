import type { Assignment, CampaignRules, FreeAgent, PolicyInput, QueuedLead } from '../policy/index.ts';
import { nextRetry } from '../retry-policy.ts';
import { type PlanContext, planAttempt, planContextOf } from './call-plan.ts';
import { EventHeap } from './event-heap.ts';
import { figuresOf, type LeadOutcomes, spreadOverHours } from './figures.ts';
import { generateTraffic, HOUR_MS } from './traffic.ts';
import type { SimulationInput, SimulationResult } from './types.ts';
import { campaignClock, type WindowClock } from './window-clock.ts';

/** How long the run goes on after the last counted lead's due time: late dials still load the agents. */
const DRAIN_MS = HOUR_MS;

/**
 * The dispatcher runs one decision round at a time, and what happens during a round waits for the
 * next one; a round reads the queue and makes its offers, tens of milliseconds with a long queue. In
 * 'profile' mode rounds are at least this far apart, which also keeps a long overloaded run (every
 * call's end a round over thousands of queued leads) within seconds. 'erlang' mode decides at once,
 * as Erlang C's queue does.
 */
export const DEFAULT_ROUND_INTERVAL_MS = 1_000;

const EVENT = {
  arrival: 0,
  shiftStart: 1,
  shiftEnd: 2,
  callEnd: 3,
  requeue: 4,
  windowClose: 5,
  round: 6,
} as const;

const LEAD = { pending: 0, waiting: 1, queued: 2, inCall: 3, done: 4 } as const;
const AGENT = { off: 0, free: 1, busy: 2 } as const;

/** Lead ids of one width, so that the policy's id tie-break (code-unit order) is arrival order. */
const leadId = (index: number): string => `L${index.toString().padStart(8, '0')}`;
const leadIndex = (id: string): number => Number(id.slice(1));

/** The state of one run. Leads and agents are numbered; their figures live in typed arrays. */
class Run {
  readonly events = new EventHeap();
  readonly clock: WindowClock;
  readonly context: PlanContext;
  readonly campaigns: ReadonlyMap<string, CampaignRules>;
  readonly outcomes: LeadOutcomes & { lastFailedBeforeDue: Uint8Array; blockedBeforeDue: Uint8Array };
  readonly leadState: Uint8Array;
  readonly dials: number[][];
  readonly queue: QueuedLead[] = [];
  readonly queuePosition: Int32Array;
  readonly agentState: Uint8Array;
  readonly agentLead: Int32Array;
  readonly agentBusySince: Float64Array;
  readonly agentShifts: Int32Array;
  readonly freeAgents: FreeAgent[] = [];
  readonly freePosition: Int32Array;
  readonly agentIndex = new Map<string, number>();
  readonly busyByHour: Float64Array;
  readonly busyCounted = new Float64Array(1);
  readonly countFrom: number;
  readonly end: number;
  /** The run ends once the last due time is well past: no figure changes after that. */
  readonly stopAt: number;
  dirty = false;
  readonly roundIntervalMs: number;
  nextRoundAt = Number.NEGATIVE_INFINITY;
  roundScheduled = false;

  constructor(readonly input: SimulationInput) {
    const { campaign, start, durationMs } = input;
    const traffic = generateTraffic(input);
    const count = traffic.arrivedAt.length;
    this.end = start + durationMs;
    this.countFrom = start + Math.min(Math.max(input.warmupMs ?? 0, 0), durationMs);
    this.clock = campaignClock(campaign, start, this.end + campaign.slaSeconds * 1_000 + DRAIN_MS);
    this.context = planContextOf(input);
    this.campaigns = new Map([
      [
        campaign.id,
        {
          id: campaign.id,
          agentGroups: campaign.agentGroups,
          overflowThresholdMs: campaign.overflowThresholdSeconds * 1_000,
        },
      ],
    ]);
    const dueAt = new Float64Array(count);
    traffic.arrivedAt.forEach((at, lead) => {
      dueAt[lead] = this.clock.dueAt(at, campaign.slaClock, campaign.slaSeconds) ?? Number.POSITIVE_INFINITY;
    });
    this.outcomes = {
      arrivedAt: traffic.arrivedAt,
      score: traffic.score,
      dueAt,
      firstDialAt: new Float64Array(count).fill(Number.NaN),
      contactAt: new Float64Array(count).fill(Number.NaN),
      lastFailedBeforeDue: new Uint8Array(count),
      blockedBeforeDue: new Uint8Array(count),
    };
    let lastDue = this.end;
    for (const due of dueAt) if (Number.isFinite(due) && due > lastDue) lastDue = due;
    this.stopAt = lastDue + DRAIN_MS;
    this.roundIntervalMs = input.mode === 'erlang' ? 0 : (input.roundIntervalMs ?? DEFAULT_ROUND_INTERVAL_MS);
    this.leadState = new Uint8Array(count);
    this.dials = Array.from({ length: count }, () => []);
    this.queuePosition = new Int32Array(count).fill(-1);
    const agents = input.agents.length;
    this.agentState = new Uint8Array(agents);
    this.agentLead = new Int32Array(agents).fill(-1);
    this.agentBusySince = new Float64Array(agents);
    this.agentShifts = new Int32Array(agents);
    this.freePosition = new Int32Array(agents).fill(-1);
    this.busyByHour = new Float64Array(Math.ceil(durationMs / HOUR_MS));
    input.agents.forEach((agent, index) => {
      this.agentIndex.set(agent.id, index);
      for (const shift of agent.shifts) {
        if (!(shift.to > shift.from)) continue;
        this.events.push(shift.from, EVENT.shiftStart, index);
        this.events.push(shift.to, EVENT.shiftEnd, index);
      }
    });
    if (count > 0) this.events.push(traffic.arrivedAt[0] as number, EVENT.arrival, 0);
    this.scheduleClosings();
  }

  /**
   * A closing time of the calling window inside the run: the queued leads leave the queue then. Each
   * step must move forward (a closing after its opening, the next opening after the closing), so a
   * window that never closes or never opens again ends the list instead of repeating an instant.
   */
  private scheduleClosings(): void {
    if (this.clock.alwaysOpen) return;
    let at = this.clock.nextOpening(this.input.start);
    while (at !== null && at < this.stopAt) {
      const close = this.clock.closingAfter(at);
      if (!Number.isFinite(close) || close <= at) break;
      this.events.push(close, EVENT.windowClose, -1);
      const next = this.clock.nextOpening(close);
      at = next !== null && next > close ? next : null;
    }
  }

  handle(kind: number, subject: number, now: number): void {
    switch (kind) {
      case EVENT.arrival:
        this.arrive(subject, now);
        return;
      case EVENT.requeue:
        this.enterQueue(subject, now);
        return;
      case EVENT.callEnd:
        this.endCall(subject, now);
        return;
      case EVENT.shiftStart:
        this.startShift(subject, now);
        return;
      case EVENT.shiftEnd:
        this.endShift(subject);
        return;
      case EVENT.windowClose:
        this.closeWindow(now);
        return;
      case EVENT.round:
        this.roundScheduled = false;
        return;
    }
  }

  private arrive(lead: number, now: number): void {
    const next = lead + 1;
    if (next < this.outcomes.arrivedAt.length)
      this.events.push(this.outcomes.arrivedAt[next] as number, EVENT.arrival, next);
    this.enterQueue(lead, now);
  }

  /** Queued when the calling window is open; otherwise held until it opens, as the dispatcher's gate does. */
  private enterQueue(lead: number, now: number): void {
    if (this.clock.isOpen(now)) {
      this.leadState[lead] = LEAD.queued;
      this.queuePosition[lead] = this.queue.length;
      this.queue.push({
        id: leadId(lead),
        campaignId: this.input.campaign.id,
        dueAt: this.outcomes.dueAt[lead] as number,
        score: this.outcomes.score[lead] as number,
        queuedAt: now,
      });
      this.dirty = true;
      return;
    }
    this.holdForWindow(lead, now);
  }

  /**
   * Until the window's next opening. A lead whose window never opens again (none within 370 days) is
   * done, and so is one the clock would send back to this very instant: the run ends rather than
   * handing the lead back and forth at one time.
   */
  private holdForWindow(lead: number, now: number): void {
    if (now < (this.outcomes.dueAt[lead] as number)) this.outcomes.blockedBeforeDue[lead] = 1;
    const opening = this.clock.nextOpening(now);
    if (opening === null || opening <= now) {
      this.leadState[lead] = LEAD.done;
      return;
    }
    this.leadState[lead] = LEAD.waiting;
    this.events.push(opening, EVENT.requeue, lead);
  }

  private closeWindow(now: number): void {
    const held = this.queue.splice(0);
    for (const queued of held) {
      const lead = leadIndex(queued.id);
      this.queuePosition[lead] = -1;
      this.holdForWindow(lead, now);
    }
  }

  private removeFromQueue(lead: number): void {
    const position = this.queuePosition[lead] as number;
    const last = this.queue.pop() as QueuedLead;
    if (position < this.queue.length) {
      this.queue[position] = last;
      this.queuePosition[leadIndex(last.id)] = position;
    }
    this.queuePosition[lead] = -1;
  }

  private startShift(agent: number, now: number): void {
    this.agentShifts[agent] = (this.agentShifts[agent] as number) + 1;
    if (this.agentState[agent] === AGENT.off) this.free(agent, now);
  }

  /** A free agent leaves at once; a busy one finishes the call first (endCall sees the shift over). */
  private endShift(agent: number): void {
    this.agentShifts[agent] = (this.agentShifts[agent] as number) - 1;
    if (this.agentShifts[agent] === 0 && this.agentState[agent] === AGENT.free) {
      this.takeFree(agent);
      this.agentState[agent] = AGENT.off;
    }
  }

  private free(agent: number, now: number): void {
    const { id, groups } = this.input.agents[agent] as SimAgentLike;
    this.agentState[agent] = AGENT.free;
    this.freePosition[agent] = this.freeAgents.length;
    this.freeAgents.push({ id, groups, availableSince: now });
    this.dirty = true;
  }

  private takeFree(agent: number): void {
    const position = this.freePosition[agent] as number;
    const last = this.freeAgents.pop() as FreeAgent;
    if (position < this.freeAgents.length) {
      this.freeAgents[position] = last;
      this.freePosition[this.agentIndex.get(last.id) as number] = position;
    }
    this.freePosition[agent] = -1;
  }

  /** A round now, or at the next time one may run. */
  wake(now: number): void {
    if (now >= this.nextRoundAt) {
      this.nextRoundAt = now + this.roundIntervalMs;
      this.dispatchRound(now);
    } else if (!this.roundScheduled) {
      this.roundScheduled = true;
      this.events.push(this.nextRoundAt, EVENT.round, -1);
    }
  }

  /** Asks the policy, and starts the calls it chose. */
  private dispatchRound(now: number): void {
    this.dirty = false;
    if (this.queue.length === 0 || this.freeAgents.length === 0) return;
    const input: PolicyInput = { queue: this.queue, agents: this.freeAgents, campaigns: this.campaigns, now };
    const assignments = this.input.policy(input);
    for (const assignment of assignments) this.apply(assignment, now);
  }

  private apply(assignment: Assignment, now: number): void {
    const lead = leadIndex(assignment.leadId);
    const agent = this.agentIndex.get(assignment.agentId);
    if (agent === undefined || this.agentState[agent] !== AGENT.free || this.leadState[lead] !== LEAD.queued)
      throw new Error(
        `the policy assigned ${assignment.leadId} to ${assignment.agentId}, which is not possible now`,
      );
    this.removeFromQueue(lead);
    this.takeFree(agent);
    this.startCall(lead, agent, now);
  }

  private startCall(lead: number, agent: number, now: number): void {
    const dials = this.dials[lead] as number[];
    const plan = planAttempt(this.context, lead, dials.length, now);
    const { outcomes } = this;
    const due = outcomes.dueAt[lead] as number;
    dials.push(plan.dialAt);
    if (Number.isNaN(outcomes.firstDialAt[lead] as number)) outcomes.firstDialAt[lead] = plan.dialAt;
    if (plan.dialAt <= due) outcomes.lastFailedBeforeDue[lead] = plan.outcome === 'failed' ? 1 : 0;
    if (!Number.isNaN(plan.contactAt)) outcomes.contactAt[lead] = plan.contactAt;
    this.leadState[lead] = LEAD.inCall;
    this.agentState[agent] = AGENT.busy;
    this.agentLead[agent] = lead;
    this.agentBusySince[agent] = now;
    this.events.push(plan.endAt, EVENT.callEnd, agent);
  }

  private endCall(agent: number, now: number): void {
    const lead = this.agentLead[agent] as number;
    this.recordBusy(this.agentBusySince[agent] as number, now);
    this.agentLead[agent] = -1;
    if (Number.isNaN(this.outcomes.contactAt[lead] as number)) this.retry(lead, now);
    else this.leadState[lead] = LEAD.done;
    if ((this.agentShifts[agent] as number) > 0) this.free(agent, now);
    else this.agentState[agent] = AGENT.off;
  }

  /**
   * The dispatcher's retry rule decides the delay and the caps. It is given no calling windows: the
   * move into the next window is the same rule (nextOpening) read from the precomputed intervals.
   */
  private retry(lead: number, now: number): void {
    const decision = nextRetry({
      policy: this.input.campaign.retryPolicy,
      dials: this.dials[lead] as number[],
      dueAt: this.outcomes.dueAt[lead] as number,
      now,
      calendar: { windows: [] },
      zone: this.input.campaign.timeZone,
    });
    const retryAt = 'retryAt' in decision ? this.clock.nextOpening(decision.retryAt) : null;
    if (retryAt === null) {
      this.leadState[lead] = LEAD.done;
      return;
    }
    this.leadState[lead] = LEAD.waiting;
    this.events.push(retryAt, EVENT.requeue, lead);
  }

  private recordBusy(from: number, to: number): void {
    spreadOverHours(this.busyByHour, this.input.start, HOUR_MS, from, to);
    spreadOverHours(this.busyCounted, this.countFrom, Math.max(this.end - this.countFrom, 1), from, to);
  }

  /** Calls still going at the end count as busy up to then. */
  closeBusySpans(now: number): void {
    this.agentState.forEach((state, agent) => {
      if (state === AGENT.busy) this.recordBusy(this.agentBusySince[agent] as number, now);
    });
  }
}

type SimAgentLike = SimulationInput['agents'][number];

/** Signed-in agent time per hour bin and over the counted span, from the shifts. */
function signedInTime(run: Run): { byHour: Float64Array; counted: number } {
  const byHour = new Float64Array(run.busyByHour.length);
  const counted = new Float64Array(1);
  for (const agent of run.input.agents)
    for (const shift of agent.shifts) {
      spreadOverHours(byHour, run.input.start, HOUR_MS, shift.from, shift.to);
      spreadOverHours(counted, run.countFrom, Math.max(run.end - run.countFrom, 1), shift.from, shift.to);
    }
  return { byHour, counted: counted[0] as number };
}

function results(run: Run): SimulationResult {
  const { outcomes, input } = run;
  const counted: number[] = [];
  const byHour: number[][] = Array.from({ length: run.busyByHour.length }, () => []);
  outcomes.arrivedAt.forEach((at, lead) => {
    if (at < run.countFrom) return;
    counted.push(lead);
    byHour[Math.floor((at - input.start) / HOUR_MS)]?.push(lead);
  });
  const signedIn = signedInTime(run);
  const result: SimulationResult = {
    total: figuresOf(outcomes, counted, run.busyCounted[0] as number, signedIn.counted),
    hours: byHour.map((leads, hour) => ({
      hour,
      from: input.start + hour * HOUR_MS,
      ...figuresOf(outcomes, leads, run.busyByHour[hour] as number, signedIn.byHour[hour] as number),
    })),
  };
  if (input.mode === 'erlang')
    result.waitsSeconds = Float64Array.from(
      counted,
      (lead) => ((outcomes.firstDialAt[lead] as number) - (outcomes.arrivedAt[lead] as number)) / 1_000,
    );
  return result;
}

/**
 * Runs the campaign's traffic through the given dispatch policy, event by event: arrivals, shifts,
 * calls ending, retries coming due and windows closing. After all the events of one instant, if a
 * lead was queued or an agent freed, the policy gets the queue and the free agents, exactly the
 * types the dispatcher gives it, and its assignments become calls. Same seed, same result.
 */
export function simulate(input: SimulationInput): SimulationResult {
  const run = new Run(input);
  const { stopAt } = run;
  let now = input.start;
  while (run.events.size > 0 && run.events.peekTime() <= stopAt) {
    now = run.events.peekTime();
    while (run.events.peekTime() === now) {
      const event = run.events.pop();
      run.handle(event.kind, event.subject, now);
    }
    if (run.dirty) run.wake(now);
  }
  run.closeBusySpans(Math.max(now, run.end));
  return results(run);
}
