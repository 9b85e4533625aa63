import { randomUUID } from 'node:crypto';
import type { Bus, Subscription } from '@pronto/bus';
import { CallEventV1, type DialRequestV1 } from '@pronto/contracts';
import { isDatabaseUnavailable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { CallLog } from '../calls/call-log.ts';
import { memoryCallLog } from '../calls/memory-call-log.ts';
import { subscribeDialRequests } from '../subscribe-dial-requests.ts';
import type { DialerProfile } from './dialer-profile.ts';
import { type CallPhase, type PlannedPhase, type PlannedStep, planCall } from './plan-call.ts';

/** Timers, injected so that tests move time without waiting. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SimulatedDialerDeps {
  bus: Bus;
  logger: Logger;
  /** The profile of a request's campaign; may reject (the request is then retried by the bus). */
  profileFor: (campaignId: string) => Promise<DialerProfile>;
  /**
   * The calls placed, by attempt: an originate whose attempt is in it places no call. The dialer
   * service passes the database's, so this holds across restarts; by default, one in memory.
   */
  callLog?: CallLog;
  /** Uniform in [0, 1); Math.random unless a test seeds it. */
  random?: () => number;
  scheduler?: Scheduler;
  now?: () => Date;
}

export interface SimulatedDialer {
  /** Stops taking requests and drops the calls in flight (see docs/dialer-contract.md). */
  stop(): Promise<void>;
  /** Calls originated and not yet ended. */
  inFlight(): number;
}

/** A call whose events cannot be published is retried this often, this many times, then dropped. */
const PUBLISH_RETRY_MS = 1_000;
const MAX_PUBLISH_TRIES = 5;

type DialRequest = DialRequestV1['payload'];
type CallEvent = CallEventV1['payload'];

interface Call {
  readonly request: DialRequest;
  readonly steps: readonly PlannedStep[];
  /** The next step of `steps` to happen. */
  next: number;
  /** The last phase that happened (published or not). */
  reached: CallPhase | undefined;
  /** The timer of the next step, or of a publish retry. */
  timer: unknown;
  publishing: boolean;
  /** Events that happened but whose publish failed, sent again with the next try. */
  unsent: CallEventV1[];
  publishFailures: number;
  /** The agent hung up while a publish was in progress: end the call when it is done. */
  hangupPending: boolean;
  /** Asterisk's Uniqueid of the agent's leg (the call's Linkedid too) and of the person's leg. */
  readonly agentChannel: string;
  readonly personChannel: string;
}

/**
 * The simulated dialer: consumes `dial-requests` and plays each originated call out on timers,
 * publishing its `call-events` as a real dialer would (phases in order, each published before the
 * next is scheduled). Each call is recorded in the call log as it is placed and as it ends, so an
 * originate delivered again, even after a restart, places no second call. The calls themselves are
 * not persisted: a stopped or crashed dialer drops them, and the dispatcher's dial deadline ends
 * those attempts.
 */
export async function startSimulatedDialer(deps: SimulatedDialerDeps): Promise<SimulatedDialer> {
  const { bus, logger } = deps;
  const random = deps.random ?? Math.random;
  const scheduler: Scheduler = deps.scheduler ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
  const now = deps.now ?? (() => new Date());
  const callLog = deps.callLog ?? memoryCallLog();
  const calls = new Map<string, Call>();
  const publishing = new Set<Promise<void>>();
  const nextChannel = channelIdSource(now);
  let stopped = false;

  async function originate(request: DialRequest): Promise<void> {
    const { attemptId } = request;
    if (calls.has(attemptId)) {
      logger.debug({ attemptId }, 'duplicate originate ignored');
      return;
    }
    const profile = await deps.profileFor(request.campaignId);
    // Checked again: the profile lookup let other messages in.
    if (stopped || calls.has(attemptId)) return;
    // The log decides, also between processes: a call placed before (by this process or another,
    // before a restart) is not placed again, and nothing is published for it.
    const earlier = await callLog.place(attemptId, now());
    if (earlier) {
      const { leadId } = request;
      logger.info(
        { attemptId, leadId, ended: earlier.endedAt !== null, outcome: earlier.outcome ?? undefined },
        'originate for a call already placed: not dialed again',
      );
      return;
    }
    // Stopped meanwhile: the call is recorded but never placed; the dial deadline ends the attempt.
    if (stopped) return;
    const agentChannel = nextChannel();
    const call: Call = {
      request,
      steps: planCall(profile, request.ringTimeoutSeconds * 1_000, random),
      next: 0,
      reached: undefined,
      timer: undefined,
      publishing: false,
      unsent: [],
      publishFailures: 0,
      hangupPending: false,
      agentChannel,
      personChannel: nextChannel(),
    };
    calls.set(attemptId, call);
    logger.info(
      { attemptId, leadId: request.leadId, agentId: request.agentId, uniqueId: agentChannel },
      'originating',
    );
    scheduleNext(call);
  }

  function hangup(attemptId: string): void {
    const call = calls.get(attemptId);
    // Unknown, already ended, or ending anyway: nothing to hang up.
    if (!call || call.reached === 'ended') return;
    if (call.publishing) {
      call.hangupPending = true;
      return;
    }
    endByHangup(call);
  }

  /** Ends the call now, after whatever happened but is not yet published (a retry waiting). */
  function endByHangup(call: Call): void {
    call.hangupPending = false;
    clearTimer(call);
    send(call, [...call.unsent, envelope(call, hangupPhase(call), now())]);
  }

  function scheduleNext(call: Call): void {
    const step = call.steps[call.next];
    if (!step) return;
    call.next += 1;
    call.timer = scheduler.setTimeout(() => {
      call.timer = undefined;
      const at = now();
      send(call, [...call.unsent, ...step.phases.map((phase) => envelope(call, phase, at))]);
    }, step.afterMs);
  }

  /** Publishes the call's events in one ordered batch, then moves the call on. */
  function send(call: Call, events: CallEventV1[]): void {
    call.unsent = [];
    call.publishing = true;
    const last = events.at(-1)?.payload.phase;
    if (last) call.reached = last;
    const publish = bus
      .publish(CallEventV1.topic, events)
      .then(
        () => afterPublished(call, events),
        (error: unknown) => afterFailedPublish(call, events, error),
      )
      .finally(() => publishing.delete(publish));
    publishing.add(publish);
  }

  function afterPublished(call: Call, events: CallEventV1[]): void {
    call.publishing = false;
    call.publishFailures = 0;
    const last = events.at(-1)?.payload;
    // Recorded even while stopping: the end is on the bus, so the log says so too.
    if (last?.phase === 'ended' && last.outcome)
      record(callLog.end(last.attemptId, last.outcome, new Date(last.at)), call);
    if (stopped) return;
    if (last?.phase === 'ended') {
      const { attemptId, leadId } = call.request;
      logger.info({ attemptId, leadId, outcome: last.outcome, cause: last.cause }, 'call ended');
      forget(call);
    } else if (call.hangupPending) {
      endByHangup(call);
    } else {
      scheduleNext(call);
    }
  }

  function afterFailedPublish(call: Call, events: CallEventV1[], error: unknown): void {
    call.publishing = false;
    call.publishFailures += 1;
    if (stopped) return;
    const { attemptId, leadId } = call.request;
    if (call.publishFailures >= MAX_PUBLISH_TRIES) {
      // The dispatcher's dial deadline ends the attempt, as it would after a dialer crash.
      logger.error({ err: error, attemptId, leadId }, 'could not publish call events; call dropped');
      forget(call);
      return;
    }
    logger.warn({ err: error, attemptId, leadId }, 'could not publish call events; trying again');
    // A hangup that came during this publish ends the call once the retry is published; one that
    // comes while the retry waits sends these events and the end together.
    call.unsent = events;
    call.timer = scheduler.setTimeout(() => {
      call.timer = undefined;
      send(call, call.unsent);
    }, PUBLISH_RETRY_MS);
  }

  /** The call is over; the call log still holds its attempt, so a redelivered originate is ignored. */
  function forget(call: Call): void {
    calls.delete(call.request.attemptId);
  }

  /**
   * Waits (in stop) for a write to the call log. A failed write is logged only: the attempt is in the
   * log already, so a redelivered originate places no call, ended recorded or not.
   */
  function record(write: Promise<void>, call: Call): void {
    const { attemptId, leadId } = call.request;
    const done = write
      .catch((error: unknown) => logger.warn({ err: error, attemptId, leadId }, 'call end not recorded'))
      .finally(() => publishing.delete(done));
    publishing.add(done);
  }

  function clearTimer(call: Call): void {
    if (call.timer === undefined) return;
    scheduler.clearTimeout(call.timer);
    call.timer = undefined;
  }

  function envelope(call: Call, planned: PlannedPhase, at: Date): CallEventV1 {
    const { attemptId, leadId, tenantId, campaignId, agentId } = call.request;
    const onAgentLeg = planned.phase === 'originated';
    const payload: CallEvent = {
      attemptId,
      leadId,
      tenantId,
      campaignId,
      agentId,
      phase: planned.phase,
      at: at.toISOString(),
      ...(planned.outcome ? { outcome: planned.outcome } : {}),
      ...(planned.cause ? { cause: planned.cause } : {}),
      uniqueId: onAgentLeg ? call.agentChannel : call.personChannel,
      linkedId: call.agentChannel,
    };
    return {
      type: 'call.event',
      version: 1,
      id: randomUUID(),
      occurredAt: payload.at,
      key: attemptId,
      payload,
    };
  }

  const subscription: Subscription = await subscribeDialRequests(bus, logger, {
    originate,
    hangup: (request) => hangup(request.attemptId),
    // The campaign's profile is read from the database: while it is away, requests wait.
    isTransient: isDatabaseUnavailable,
  });

  return {
    inFlight: () => calls.size,
    async stop() {
      // Nothing is scheduled once stopped, so the timers cleared here stay cleared; a hangup still
      // being handled may publish its call's end.
      stopped = true;
      for (const call of calls.values()) clearTimer(call);
      await subscription.close();
      // A publish that settles may record its call's end: waited for too.
      while (publishing.size > 0) await Promise.allSettled([...publishing]);
      if (calls.size > 0) logger.warn({ calls: calls.size }, 'calls in flight dropped');
      calls.clear();
    },
  };
}

/**
 * How a call ends when the agent hangs up: a bridged call was a contact; a call answered but not
 * bridged was answered by a machine (a person is bridged the moment they answer); anything earlier
 * is a person who did not answer in time.
 */
function hangupPhase(call: Call): PlannedPhase {
  const outcome =
    call.reached === 'bridged' ? 'contacted' : call.reached === 'answered' ? 'voicemail' : 'no_answer';
  return { phase: 'ended', outcome, cause: 'AGENT HANGUP' };
}

/**
 * Channel ids shaped like Asterisk's Uniqueid, `<epoch seconds>.<sequence>`, so that whatever
 * stores or shows them handles the real dialer's the same way.
 */
function channelIdSource(now: () => Date): () => string {
  let sequence = 0;
  return () => `${Math.floor(now().getTime() / 1_000)}.${sequence++}`;
}
