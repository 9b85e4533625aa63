import type { Bus, Subscription } from '@pronto/bus';
import type { DialRequestV1 } from '@pronto/contracts';
import { isDatabaseUnavailable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { CallLog } from '../calls/call-log.ts';
import { memoryCallLog } from '../calls/memory-call-log.ts';
import { subscribeDialRequests } from '../subscribe-dial-requests.ts';
import { type AmiAddress, type AmiConnection, AmiError, type AmiMessage, header } from './ami-connection.ts';
import { type AmiSession, startAmiSession } from './ami-session.ts';
import { createCallEventPublisher } from './call-event-publisher.ts';
import { CallTracker, type CallUpdate, type TrackedCall } from './call-tracker.ts';
import { originateAction } from './originate-action.ts';

type DialRequest = DialRequestV1['payload'];

export interface AsteriskDialerSettings {
  /** The dialplan context that dials the person once the agent's phone answers. */
  context: string;
  /** How long the agent's phone may ring before the attempt is `agent_missed`. */
  agentRingSeconds: number;
  /** Calls the trunk carries at once; more requests wait their turn. */
  trunkChannels: number;
  /** `e164` sends the number as stored (+48...); `digits` drops the '+' for trunks that want it so. */
  numberFormat: 'e164' | 'digits';
}

export interface AsteriskDialerDeps {
  bus: Bus;
  logger: Logger;
  ami: AmiAddress;
  settings: AsteriskDialerSettings;
  /**
   * The calls placed, by attempt: an originate whose attempt is in it places no call. The dialer
   * service passes the database's, so this holds across restarts; by default, one in memory.
   */
  callLog?: CallLog;
  now?: () => Date;
  /** Reconnect waits and keepalive, shortened by tests. */
  session?: { backoffMs?: readonly number[]; keepaliveMs?: number; connectTimeoutMs?: number };
}

export interface AsteriskDialer {
  /** Unsubscribes and logs off; calls in Asterisk go on, and nothing more is published for them. */
  stop(): Promise<void>;
  /** Calls handed to Asterisk and not yet ended. */
  inFlight(): number;
  /** Requests waiting for a free trunk channel or for the AMI connection. */
  waiting(): number;
  readonly reconnects: number;
}

/**
 * The Asterisk AMI dialer: consumes `dial-requests`, places agent-first calls with `Originate`,
 * follows the events Asterisk sends, and publishes each attempt's `call-events`. When AMI drops it
 * reconnects and asks Asterisk which of its calls still exist (`CoreShowChannels`), so that no
 * attempt is lost or reported twice.
 */
export async function startAsteriskDialer(deps: AsteriskDialerDeps): Promise<AsteriskDialer> {
  const { bus, logger, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const tracker = new CallTracker();
  const requests = new Map<string, DialRequest>();
  const queue: DialRequest[] = [];
  const callLog = deps.callLog ?? memoryCallLog();
  /** Writes to the call log under way, waited for by stop(). */
  const recording = new Set<Promise<void>>();
  const publisher = createCallEventPublisher(bus, logger);
  let stopped = false;

  function publish(updates: readonly CallUpdate[]): void {
    for (const update of updates) {
      const request = requests.get(update.attemptId);
      if (!request) continue;
      publisher.publish(request, [update]);
      if (update.phase !== 'ended') continue;
      logger.info(
        { attemptId: update.attemptId, leadId: request.leadId, outcome: update.outcome, cause: update.cause },
        'call ended',
      );
      const call = tracker.get(update.linkedId);
      if (call) tracker.forget(call);
      requests.delete(update.attemptId);
      if (update.outcome) recordEnd(update.attemptId, update.outcome, update.at);
    }
    pump();
  }

  /** A failed write is logged only: the attempt is in the log already, so it is not dialed again. */
  function recordEnd(attemptId: string, outcome: NonNullable<CallUpdate['outcome']>, at: Date): void {
    const write = callLog
      .end(attemptId, outcome, at)
      .catch((error: unknown) => logger.warn({ err: error, attemptId }, 'call end not recorded'))
      .finally(() => recording.delete(write));
    recording.add(write);
  }

  function onEvent(event: AmiMessage): void {
    if (stopped) return;
    publish(tracker.apply(event, now()));
    // A hang-up asked for before the agent's leg existed is done as soon as it does.
    if (header(event, 'event') !== 'Newchannel') return;
    const call = tracker.get(header(event, 'uniqueid') ?? '');
    const connection = session?.current();
    if (call?.hangupRequested && connection) void hangupCall(call, connection);
  }

  async function reconcile(connection: AmiConnection, reconnect: boolean): Promise<void> {
    if (!reconnect) return;
    const channels = await connection.list({ action: 'CoreShowChannels' }, 'CoreShowChannelsComplete');
    const byLinkedId = new Map<string, AmiMessage[]>();
    for (const channel of channels) {
      const linkedId = header(channel, 'linkedid') ?? '';
      byLinkedId.set(linkedId, [...(byLinkedId.get(linkedId) ?? []), channel]);
    }
    const at = now();
    for (const call of [...tracker.calls()]) {
      const legs = byLinkedId.get(call.channelId) ?? [];
      logger.info({ attemptId: call.attemptId, legs: legs.length }, 'call reconciled after reconnect');
      publish(tracker.reconcile(call, legs, at));
      if (call.hangupRequested && legs.length > 0) void hangupCall(call, connection);
    }
  }

  // Assigned once logged in; the first onReady comes before (and finds nothing queued).
  let session: AmiSession | undefined;
  session = await startAmiSession({
    address: deps.ami,
    logger,
    onConnected: reconcile,
    onEvent,
    // Originates that waited while AMI was down go now.
    onReady: () => pump(),
    ...deps.session,
  });
  pump();

  /**
   * Sends waiting originates while the trunk has room and AMI is up. A call is tracked only as its
   * Originate is written, so a reconcile never mistakes a call still waiting here for one that
   * vanished from Asterisk.
   */
  function pump(): void {
    const connection = session?.current();
    if (stopped || !connection) return;
    while (queue.length > 0 && tracker.size < settings.trunkChannels) {
      void originate(queue.shift() as DialRequest, connection);
    }
  }

  async function originate(request: DialRequest, connection: AmiConnection): Promise<void> {
    const call = tracker.track(request.attemptId);
    const ids = { attemptId: request.attemptId, leadId: request.leadId, agentId: request.agentId };
    logger.info(ids, 'originating');
    try {
      await connection.action(originateAction(request, settings));
    } catch (error) {
      // Refused by Asterisk: final, the attempt fails with Asterisk's reason. Without an answer (AMI
      // went while it was sent) the reconcile after the reconnect finds out what became of it.
      if (error instanceof AmiError && error.response) {
        logger.warn({ ...ids, err: error }, 'originate refused');
        publish(
          tracker.end(call, now(), `ORIGINATE REFUSED: ${header(error.response, 'message') ?? 'error'}`),
        );
      } else {
        // No answer on a connection that looks up: drop it, so the reconnect's reconcile finds out
        // what became of the call rather than it holding a trunk channel for ever.
        logger.warn({ ...ids, err: error }, 'originate unanswered; reconnecting to reconcile');
        if (connection.isOpen()) connection.destroy(error as Error);
      }
    }
  }

  async function hangupCall(call: TrackedCall, connection: AmiConnection): Promise<void> {
    try {
      await connection.action({ action: 'Hangup', channel: call.agentChannel ?? call.channelId, cause: 16 });
    } catch (error) {
      // Already gone is fine: its Hangup events end the call.
      logger.debug({ attemptId: call.attemptId, err: error }, 'hangup not done');
    }
  }

  function hangup(request: DialRequest): void {
    const waiting = queue.findIndex((queued) => queued.attemptId === request.attemptId);
    if (waiting >= 0) {
      queue.splice(waiting, 1);
      const call = tracker.track(request.attemptId);
      publish(tracker.end(call, now(), 'AGENT HANGUP', 'dialer').map(withOutcome('no_answer')));
      return;
    }
    const call = tracker.get(request.attemptId);
    if (!call || call.hangupRequested) return;
    call.hangupRequested = true;
    // While AMI is down, the reconcile after the reconnect hangs it up.
    const connection = session?.current();
    if (connection) void hangupCall(call, connection);
  }

  async function accept(request: DialRequest): Promise<void> {
    const { attemptId } = request;
    if (requests.has(attemptId)) {
      logger.debug({ attemptId }, 'duplicate originate ignored');
      return;
    }
    // The log decides, also between processes: an attempt taken before (by this process or another,
    // before a restart) is not dialed again, and nothing is published for it.
    const earlier = await callLog.place(attemptId, now());
    if (earlier) {
      logger.info(
        {
          attemptId,
          leadId: request.leadId,
          ended: earlier.endedAt !== null,
          outcome: earlier.outcome ?? undefined,
        },
        'originate for a call already placed: not dialed again',
      );
      return;
    }
    if (stopped) return;
    requests.set(attemptId, request);
    if (!request.agentEndpoint) {
      const call = tracker.track(attemptId);
      logger.warn({ attemptId, agentId: request.agentId }, 'agent has no phone endpoint');
      publish(
        tracker.end(call, now(), 'AGENT HAS NO PHONE ENDPOINT', 'agent').map(withOutcome('agent_missed')),
      );
      return;
    }
    queue.push(request);
    pump();
  }

  const subscription: Subscription = await subscribeDialRequests(bus, logger, {
    originate: accept,
    hangup,
    // The call log is in the database: while it is away, requests wait.
    isTransient: isDatabaseUnavailable,
  });

  return {
    inFlight: () => tracker.size,
    waiting: () => queue.length,
    get reconnects() {
      return session?.reconnects ?? 0;
    },
    async stop() {
      stopped = true;
      await subscription.close();
      await publisher.drain();
      publisher.stop();
      await Promise.allSettled([...recording]);
      if (tracker.size > 0) logger.warn({ calls: tracker.size }, 'calls in Asterisk left to their end');
      await session?.close();
    },
  };
}

/** The end of a call that never reached Asterisk says why in its own outcome. */
function withOutcome(outcome: CallUpdate['outcome']): (update: CallUpdate) => CallUpdate {
  return (update) => (update.phase === 'ended' ? { ...update, outcome } : update);
}
