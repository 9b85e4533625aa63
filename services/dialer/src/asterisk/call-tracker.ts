import type { AttemptOutcome } from '@pronto/contracts';
import { type AmiMessage, header } from './ami-connection.ts';
import { decideOutcome, type LegEnd } from './decide-outcome.ts';

export type CallPhase = 'originated' | 'ringing' | 'answered' | 'bridged' | 'ended';

/** A phase the tracker saw happen, to be published as a `call.event`. */
export interface CallUpdate {
  attemptId: string;
  phase: CallPhase;
  at: Date;
  /** Asterisk's Uniqueid of the channel it is about: the agent's leg on `originated`, the person's after. */
  uniqueId?: string;
  linkedId: string;
  outcome?: AttemptOutcome;
  cause?: string;
  causeCode?: number;
  hangupBy?: 'agent' | 'person' | 'dialer' | 'network';
}

/** What the dialer knows of one call. The agent's leg is created with `ChannelId` = `channelId`, so every event of the call carries it as `Linkedid`. */
export interface TrackedCall {
  readonly attemptId: string;
  readonly channelId: string;
  /** Channel names, for the Hangup action. */
  agentChannel?: string;
  personChannel?: string;
  personUniqueId?: string;
  /** Legs created and not yet hung up, by Uniqueid. */
  readonly liveLegs: Set<string>;
  readonly legEnds: Map<string, LegEnd>;
  originateAnswered?: { success: boolean; reason: string };
  /** DialStatus of the dial to the person (`ANSWER`, `NOANSWER`, `BUSY`, ...). */
  personDialStatus?: string;
  /** Who asked first for the hang-up of a bridged call (HangupRequest names the side). */
  firstHangupBy?: 'agent' | 'person';
  hangupRequested: boolean;
  /** The agent's phone hung up (its own HangupRequest), not asked by the dialer. */
  agentHungUp?: boolean;
  /** Bridge id -> the legs in it. */
  readonly bridges: Map<string, Set<string>>;
  reached: Set<CallPhase>;
}

/**
 * The pure part of the Asterisk dialer: follows AMI events and says which call phases happened.
 * No I/O and no clock of its own, so it is driven the same way by the live connection, by the
 * recorded transcripts and by the benchmark.
 */
export class CallTracker {
  readonly #calls = new Map<string, TrackedCall>();
  /** Asterisk's OriginateResponse names the action, not the channel: ActionID -> channel id. */
  readonly #byActionId = new Map<string, string>();

  track(attemptId: string, channelId = attemptId): TrackedCall {
    const call: TrackedCall = {
      attemptId,
      channelId,
      liveLegs: new Set(),
      legEnds: new Map(),
      hangupRequested: false,
      bridges: new Map(),
      reached: new Set(),
    };
    this.#calls.set(channelId, call);
    this.#byActionId.set(attemptId, channelId);
    return call;
  }

  get(channelId: string): TrackedCall | undefined {
    return this.#calls.get(channelId);
  }

  calls(): IterableIterator<TrackedCall> {
    return this.#calls.values();
  }

  get size(): number {
    return this.#calls.size;
  }

  /** Forgets a call (it ended, or the dialer gave up on it). */
  forget(call: TrackedCall): void {
    this.#calls.delete(call.channelId);
    this.#byActionId.delete(call.attemptId);
  }

  /** Applies one AMI event; returns the phases it completed (usually none). */
  apply(event: AmiMessage, at: Date): CallUpdate[] {
    const name = header(event, 'event');
    if (!name) return [];
    const call = this.#route(name, event);
    if (!call) return [];
    const updates: CallUpdate[] = [];
    const uniqueId = header(event, 'uniqueid');
    switch (name) {
      case 'Newchannel':
        if (!uniqueId) break;
        call.liveLegs.add(uniqueId);
        if (uniqueId === call.channelId) call.agentChannel = header(event, 'channel');
        break;
      case 'Newstate':
        if (uniqueId === call.channelId && header(event, 'channelstatedesc') === 'Up')
          this.#reach(call, 'originated', at, updates, call.channelId);
        break;
      case 'OriginateResponse': {
        const success = header(event, 'response') === 'Success';
        call.originateAnswered = { success, reason: header(event, 'reason') ?? '' };
        if (success) this.#reach(call, 'originated', at, updates, call.channelId);
        break;
      }
      case 'DialBegin':
      case 'DialState':
      case 'DialEnd':
        this.#dial(call, name, event, at, updates);
        break;
      case 'BridgeEnter': {
        const bridge = header(event, 'bridgeuniqueid');
        if (!bridge || !uniqueId) break;
        const legs = call.bridges.get(bridge) ?? new Set<string>();
        legs.add(uniqueId);
        call.bridges.set(bridge, legs);
        // The contact: the person's leg in one bridge with another leg of the call (the agent's, or
        // a Local channel standing for it).
        if (call.personUniqueId && legs.has(call.personUniqueId) && legs.size >= 2) {
          this.#reach(call, 'answered', at, updates, call.personUniqueId);
          this.#reach(call, 'bridged', at, updates, call.personUniqueId);
        }
        break;
      }
      case 'HangupRequest':
        if (uniqueId === call.channelId && !call.hangupRequested) call.agentHungUp = true;
        if (call.reached.has('bridged') && !call.firstHangupBy && !call.hangupRequested)
          call.firstHangupBy = uniqueId === call.channelId ? 'agent' : 'person';
        break;
      case 'Hangup':
        if (!uniqueId) break;
        call.liveLegs.delete(uniqueId);
        call.legEnds.set(uniqueId, {
          code: Number(header(event, 'cause') ?? '0'),
          text: header(event, 'cause-txt') ?? '',
        });
        break;
    }
    if (this.#over(call)) this.#end(call, at, updates);
    return updates;
  }

  /**
   * Ends a call the dialer can no longer follow: Asterisk refused the action, or the call vanished
   * while the AMI connection was down. A call that was bridged stays a contact.
   */
  end(
    call: TrackedCall,
    at: Date,
    cause: string,
    hangupBy: CallUpdate['hangupBy'] = 'network',
  ): CallUpdate[] {
    if (call.reached.has('ended')) return [];
    const updates: CallUpdate[] = [];
    const contacted = call.reached.has('bridged');
    updates.push(
      this.#update(call, 'ended', at, call.personUniqueId ?? call.channelId, {
        outcome: contacted ? 'contacted' : 'failed',
        cause,
        hangupBy,
      }),
    );
    call.reached.add('ended');
    return updates;
  }

  /**
   * After a reconnect: what `CoreShowChannels` lists of this call's legs (possibly none). Legs that
   * are gone hung up while the dialer was away; a bridge seen now is a contact seen late.
   */
  reconcile(call: TrackedCall, channels: AmiMessage[], at: Date): CallUpdate[] {
    const updates: CallUpdate[] = [];
    // A leg whose Hangup came while the list was being sent is gone, listed or not.
    const alive = channels.filter((channel) => !call.legEnds.has(header(channel, 'uniqueid') ?? ''));
    const listed = new Set(alive.map((channel) => header(channel, 'uniqueid') ?? ''));
    for (const leg of [...call.liveLegs]) if (!listed.has(leg)) call.liveLegs.delete(leg);
    for (const channel of alive) {
      const uniqueId = header(channel, 'uniqueid');
      if (!uniqueId) continue;
      call.liveLegs.add(uniqueId);
      const up = header(channel, 'channelstatedesc') === 'Up';
      if (uniqueId === call.channelId) {
        call.agentChannel ??= header(channel, 'channel');
        if (up) this.#reach(call, 'originated', at, updates, call.channelId);
      } else {
        call.personUniqueId ??= uniqueId;
        call.personChannel ??= header(channel, 'channel');
        this.#reach(call, 'originated', at, updates, call.channelId);
        this.#reach(call, 'ringing', at, updates, uniqueId);
      }
    }
    const bridged = alive.filter((channel) => header(channel, 'bridgeid'));
    if (call.personUniqueId && bridged.length >= 2) {
      this.#reach(call, 'answered', at, updates, call.personUniqueId);
      this.#reach(call, 'bridged', at, updates, call.personUniqueId);
    }
    if (alive.length === 0) updates.push(...this.end(call, at, 'CALL ENDED WHILE AMI WAS DISCONNECTED'));
    return updates;
  }

  #route(name: string, event: AmiMessage): TrackedCall | undefined {
    if (name === 'OriginateResponse') {
      const channelId = this.#byActionId.get(header(event, 'actionid') ?? '');
      return channelId ? this.#calls.get(channelId) : undefined;
    }
    // The originated leg's own Dial events have no Channel, only DestChannel (and DestLinkedid).
    const linkedId =
      header(event, 'linkedid') ?? header(event, 'destlinkedid') ?? header(event, 'destuniqueid');
    return linkedId ? this.#calls.get(linkedId) : undefined;
  }

  #dial(call: TrackedCall, name: string, event: AmiMessage, at: Date, updates: CallUpdate[]): void {
    const status = header(event, 'dialstatus');
    const destination = header(event, 'destuniqueid');
    // Without Channel, the dial is Asterisk ringing the agent's own phone for the Originate.
    if (!header(event, 'channel')) {
      if (name === 'DialEnd' && status === 'ANSWER')
        this.#reach(call, 'originated', at, updates, call.channelId);
      return;
    }
    // Only the agent leg's own Dial is the dial to the person; a retried dial (another trunk) replaces it.
    if (!destination || destination === call.channelId || header(event, 'uniqueid') !== call.channelId)
      return;
    if (name === 'DialBegin') {
      call.personUniqueId = destination;
      call.personChannel = header(event, 'destchannel');
      call.personDialStatus = undefined;
    }
    if (destination !== call.personUniqueId) return;
    if (name === 'DialState' && status === 'RINGING') this.#reach(call, 'ringing', at, updates, destination);
    if (name === 'DialEnd' && status) call.personDialStatus = status;
  }

  #reach(call: TrackedCall, phase: CallPhase, at: Date, updates: CallUpdate[], uniqueId: string): void {
    if (call.reached.has(phase) || call.reached.has('ended')) return;
    call.reached.add(phase);
    updates.push(this.#update(call, phase, at, uniqueId, {}));
  }

  /** The call is over once Asterisk has answered the Originate (or the agent's leg came up) and every leg has hung up. */
  #over(call: TrackedCall): boolean {
    if (call.reached.has('ended') || call.liveLegs.size > 0) return false;
    if (call.originateAnswered) return true;
    return call.legEnds.has(call.channelId) && call.reached.has('originated');
  }

  #end(call: TrackedCall, at: Date, updates: CallUpdate[]): void {
    const decided = decideOutcome(call);
    call.reached.add('ended');
    updates.push(this.#update(call, 'ended', at, call.personUniqueId ?? call.channelId, decided));
  }

  #update(
    call: TrackedCall,
    phase: CallPhase,
    at: Date,
    uniqueId: string,
    extra: Partial<CallUpdate>,
  ): CallUpdate {
    return { attemptId: call.attemptId, phase, at, uniqueId, linkedId: call.channelId, ...extra };
  }
}
