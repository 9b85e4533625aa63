// What the desktop knows: the agent, its latest snapshot, the connection and the commands in
// flight. Everything on screen is derived from `app` by render() (render.ts).
import type { AgentUpdate, Attempt, DesktopAgent, DesktopCommand, Disposition } from './protocol.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'waiting' | 'replaced';
export type CommandType = Exclude<DesktopCommand['type'], 'heartbeat'>;

export interface PendingCommand {
  type: CommandType;
  timer: ReturnType<typeof setTimeout>;
  /** A disposition's outcome, to confirm it in words when acknowledged. */
  disposition?: Disposition;
}

export const app = {
  agent: null as DesktopAgent | null,
  snapshot: null as AgentUpdate | null,
  // A fresh socket takes its first update whatever its version: the server may have been reset.
  takeAnyVersion: true,
  clockOffsetMs: 0,
  connection: 'connecting' as ConnectionStatus,
  reconnectAt: 0,
  pending: new Map<string, PendingCommand>(),
  nextRef: 1,
  error: null as { title: string; detail: string } | null,
  saved: null as { text: string; until: number } | null,
  dncArmedUntil: 0,
  // The attempt whose disposition inputs were last prefilled, so re-renders keep what was typed.
  formAttemptId: null as string | null,
  lastLead: null as string | null,
};

/** The one WebSocket to the gateway (connection.ts opens and closes it; commands.ts sends on it). */
export const socketState = {
  socket: null as WebSocket | null,
  heartbeat: null as { stop(): void } | null,
  reconnectTimer: 0 as ReturnType<typeof setTimeout> | 0,
  retries: 0,
};

export function serverNow() {
  return Date.now() + app.clockOffsetMs;
}

/** serverTime may come as epoch milliseconds or as an ISO string; both are accepted. */
export function readServerTime(value: number | string) {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isFinite(ms)) app.clockOffsetMs = ms - Date.now();
}

export const attemptOf = () => app.snapshot?.attempt ?? null;

/** The card shows while a lead is offered or a call is on; an ended attempt only if it awaits wrap-up. */
export function holdsLead(snapshot: AgentUpdate | null): snapshot is AgentUpdate & { attempt: Attempt } {
  const attempt = snapshot?.attempt;
  if (!attempt) return false;
  return attempt.stage !== 'ended' || snapshot.state === 'wrap_up';
}

export function needsDisposition(attempt: Attempt | null): attempt is Attempt {
  return (
    Boolean(attempt) &&
    !attempt?.disposition &&
    (attempt?.stage === 'connected' || attempt?.stage === 'wrap_up')
  );
}

export const isOnline = () => app.connection === 'open';
export const isBusy = () => app.pending.size > 0 || !isOnline();
