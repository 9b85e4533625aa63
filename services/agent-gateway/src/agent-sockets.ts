import type { AgentUpdateV1 } from '@pronto/contracts';
import type { Session, SignedInUser } from '@pronto/http';
import type { Logger } from '@pronto/telemetry';
import type { WebSocket } from 'ws';
import type { CommandPublisher } from './command-publisher.ts';
import { type DesktopCommand, type DesktopServerMessage, readDesktopMessage } from './desktop-messages.ts';
import type { GatewayPresence } from './gateway-presence.ts';

/** What the desktop may know about the signed-in agent (not the tenant: the desktop never needs it). */
export const publicAgent = ({ id, username, displayName }: SignedInUser) => ({ id, username, displayName });

/** docs/agent-protocol.md "Close codes". */
export const CLOSE_CODES = { signedOut: 4401, silent: 4408, replaced: 4409, goingAway: 1001 } as const;

type AgentUpdate = AgentUpdateV1['payload'];

export interface AgentSocketsOptions {
  commands: CommandPublisher;
  logger: Logger;
  now: () => Date;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /**
   * Which of the open sockets' sessions still hold (Sessions.live): a session ended elsewhere (an
   * agent disabled or its password reset by an administrator, on any instance) closes its socket at
   * the next sweep. Without it, only expiry and this gateway's own sign-outs close sockets.
   */
  liveSessions?: (tokenSha256s: readonly string[]) => Promise<Set<string>>;
  /** This instance's presence rows: written before an agent's online, removed after its offline. */
  presence: Pick<GatewayPresence, 'connected' | 'disconnected' | 'heldElsewhere'>;
}

export interface AgentSockets {
  /** Takes a signed-in agent's new socket; an older socket of the agent is closed as replaced. */
  attach(socket: WebSocket, session: Session): void;
  /** Keeps the newest update per agent and forwards it to the agent's socket, if connected. */
  deliver(update: AgentUpdate): void;
  /** Closes sockets silent for longer than the timeout, and those whose session expired. */
  sweep(): Promise<void>;
  /** Closes the socket opened with a session that was just signed out. */
  endSession(tokenSha256: string): Promise<void>;
  connectedAgents(): string[];
  /** Closes every socket, marking the agents offline, and waits until every command is published. */
  closeAll(): Promise<void>;
}

interface Connection {
  readonly session: Session;
  readonly socket: WebSocket;
  lastSeenMs: number;
  /** Set once: the agent's offline command, if any, is published once per connection. */
  ended: boolean;
  /** Settles once the agent's online (and presence row) is handed over; later commands wait for it. */
  online: Promise<void>;
  /** The dispatcher has shown the agent not offline since this socket came: an offline now is a mistake. */
  seenOnline: boolean;
}

/**
 * The agents' open sockets, at most one per agent. The gateway never decides an agent's state: it
 * tells the dispatcher what happened (`online`, `offline`, the agent's commands) and forwards the
 * dispatcher's updates.
 */
export function createAgentSockets(options: AgentSocketsOptions): AgentSockets {
  const { commands, logger, now, presence } = options;
  const connections = new Map<string, Connection>();
  const latest = new Map<string, AgentUpdate>();
  const serverTime = () => now().toISOString();

  function send(connection: Connection, message: DesktopServerMessage) {
    if (connection.socket.readyState === connection.socket.OPEN)
      connection.socket.send(JSON.stringify(message));
  }

  async function publish(connection: Connection, fields: Parameters<CommandPublisher['publish']>[1]) {
    try {
      await commands.publish(connection.session.user, fields);
      return true;
    } catch (error) {
      logger.warn(
        { err: error, agentId: connection.session.user.id, command: fields.command },
        'could not publish agent command',
      );
      return false;
    }
  }

  /**
   * Forgets a connection and closes its socket. The offline command goes out at once, without
   * waiting for the peer's close handshake: a silent browser may never answer it.
   */
  async function end(connection: Connection, why: string, code?: number, offline = true) {
    if (connection.ended) return;
    connection.ended = true;
    // The offline's time: the dispatcher ignores it if the agent connected (anywhere) after it.
    const endedAt = now().toISOString();
    const agentId = connection.session.user.id;
    if (connections.get(agentId) === connection) connections.delete(agentId);
    if (code !== undefined && connection.socket.readyState <= connection.socket.OPEN)
      connection.socket.close(code, why);
    logger.info({ agentId, why, code }, 'agent socket ended');
    if (!offline) return;
    await connection.online;
    // Connected again already, here or through another instance (a desktop whose network came
    // back elsewhere): an offline now would take away what the agent holds on the new socket.
    const elsewhere = await presence.heldElsewhere(agentId).catch(() => false);
    if (elsewhere || connections.has(agentId))
      logger.info({ agentId, elsewhere }, 'agent connected again; no offline');
    else await publish(connection, { command: 'offline', at: endedAt });
    if (!connections.has(agentId))
      await presence.disconnected(agentId).catch((error: unknown) => {
        logger.warn(
          { err: error, agentId },
          'could not remove the agent presence row; the next renewal does',
        );
      });
  }

  /** The agent's presence row, then its online: a gateway that dies after the online leaves the row to the sweep. */
  function goOnline(connection: Connection) {
    const agentId = connection.session.user.id;
    connection.online = connection.online.then(async () => {
      if (connection.ended) return;
      await presence.connected(agentId).catch((error: unknown) => {
        logger.warn(
          { err: error, agentId },
          'could not record the agent presence; the next renewal tries again',
        );
      });
      await publish(connection, { command: 'online' });
    });
  }

  async function onMessage(connection: Connection, text: string) {
    if (connection.ended) return;
    // Any message proves the socket alive, not only a heartbeat.
    connection.lastSeenMs = now().getTime();
    const read = readDesktopMessage(text);
    if (!read.ok) {
      send(connection, read.error);
      return;
    }
    const { command } = read;
    if (command.type === 'heartbeat') {
      send(connection, { type: 'heartbeat', serverTime: serverTime() });
      return;
    }
    await connection.online;
    const ref = command.ref;
    if (await publish(connection, toCommandFields(command)))
      send(connection, { type: 'ack', ref, serverTime: serverTime() });
    else
      send(connection, {
        type: 'error',
        ref,
        title: 'The command could not be handed to the dispatcher',
        detail: 'Nothing was sent on; try again in a moment.',
      });
  }

  return {
    attach(socket, session) {
      const agentId = session.user.id;
      const update = latest.get(agentId);
      const connection: Connection = {
        session,
        socket,
        lastSeenMs: now().getTime(),
        ended: false,
        online: Promise.resolve(),
        seenOnline: update !== undefined && update.state !== 'offline',
      };
      const previous = connections.get(agentId);
      connections.set(agentId, connection);
      // The agent is still connected, on the new socket: the old one's end is not an offline.
      if (previous) void end(previous, 'replaced', CLOSE_CODES.replaced, false);
      socket.on('message', (data) => void onMessage(connection, data.toString()));
      socket.on('close', () => void end(connection, 'closed'));
      send(connection, {
        type: 'hello',
        agent: publicAgent(session.user),
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        serverTime: serverTime(),
      });
      if (update) send(connection, { type: 'update', update, serverTime: serverTime() });
      logger.info({ agentId }, 'agent connected');
      goOnline(connection);
    },

    deliver(update) {
      const known = latest.get(update.agentId);
      // A snapshot, not a delta: an older or repeated one (the bus delivers at least once) says nothing new.
      if (known && known.agentVersion >= update.agentVersion) return;
      latest.set(update.agentId, update);
      const connection = connections.get(update.agentId);
      if (!connection) return;
      send(connection, { type: 'update', update, serverTime: serverTime() });
      if (update.state !== 'offline') connection.seenOnline = true;
      else if (connection.seenOnline && !connection.ended) {
        // A late offline from the instance the agent left, or the sweep of a lease this instance let
        // lapse: the socket is here and alive, so the agent is online again, once per such offline.
        connection.seenOnline = false;
        logger.info({ agentId: update.agentId }, 'agent marked offline while connected here; online again');
        goOnline(connection);
      }
    },

    async sweep() {
      const nowMs = now().getTime();
      const open = [...connections.values()];
      const live =
        options.liveSessions && open.length > 0
          ? await options.liveSessions(open.map((connection) => connection.session.tokenSha256))
          : undefined;
      const ending: Promise<void>[] = [];
      for (const connection of open) {
        if (connection.ended) continue;
        if (nowMs - connection.lastSeenMs > options.heartbeatTimeoutMs)
          ending.push(end(connection, 'no heartbeat', CLOSE_CODES.silent));
        else if (connection.session.expiresAt.getTime() <= nowMs)
          ending.push(end(connection, 'session expired', CLOSE_CODES.signedOut));
        else if (live && !live.has(connection.session.tokenSha256))
          ending.push(end(connection, 'session ended', CLOSE_CODES.signedOut));
      }
      await Promise.all(ending);
    },

    async endSession(tokenSha256) {
      const ending = [...connections.values()]
        .filter((connection) => connection.session.tokenSha256 === tokenSha256)
        .map((connection) => end(connection, 'signed out', CLOSE_CODES.signedOut));
      await Promise.all(ending);
    },

    connectedAgents: () => [...connections.keys()],

    async closeAll() {
      await Promise.all(
        [...connections.values()].map((connection) =>
          end(connection, 'gateway closing', CLOSE_CODES.goingAway),
        ),
      );
      // Offline commands of sockets that closed on their own may still be on their way.
      await commands.drain();
    },
  };
}

/** The bus command for a desktop command (heartbeats never reach the bus). */
function toCommandFields(command: Exclude<DesktopCommand, { type: 'heartbeat' }>) {
  switch (command.type) {
    case 'accept':
    case 'reject':
    case 'hangup':
      return { command: command.type, attemptId: command.attemptId };
    case 'disposition':
      return { command: command.type, attemptId: command.attemptId, disposition: command.disposition };
    case 'pause':
      return { command: command.type, reason: command.reason };
    case 'resume':
      return { command: command.type };
  }
}
