import type { Logger } from '@pronto/telemetry';
import {
  type AmiAddress,
  type AmiConnection,
  AmiError,
  type AmiMessage,
  connectAmi,
} from './ami-connection.ts';

export interface AmiSessionOptions {
  address: AmiAddress;
  logger: Logger;
  /**
   * Runs on every new connection, the first and each reconnect, before `ready()` hands the
   * connection out: the dialer reconciles its calls here. Events already flow to `onEvent`.
   */
  onConnected: (connection: AmiConnection, reconnect: boolean) => Promise<void>;
  onEvent: (event: AmiMessage) => void;
  /** Runs each time the connection is up and reconciled: the first time and after each reconnect. */
  onReady?: () => void;
  onDisconnected?: (reason: Error) => void;
  /** Waits before each reconnect try; the last one repeats. Kept under 5 s so a reconnect comes within 5 s of Asterisk being back. */
  backoffMs?: readonly number[];
  /** A `Ping` this often finds a connection that died without a FIN (a crashed host, a cut cable). */
  keepaliveMs?: number;
  connectTimeoutMs?: number;
}

export interface AmiSession {
  /** The connection once it is up and reconciled; waits through a reconnect. */
  ready(): Promise<AmiConnection>;
  isReady(): boolean;
  /** The connection when it is up and reconciled, else undefined. */
  current(): AmiConnection | undefined;
  /** Reconnects so far. */
  readonly reconnects: number;
  close(): Promise<void>;
}

const DEFAULT_BACKOFF_MS = [100, 500, 1_000, 2_000, 4_000];

/**
 * Keeps one AMI connection up. The first connect must succeed (a refused login or an unreachable
 * Asterisk rejects, so a misconfigured dialer stops at start with the reason); after that a lost
 * connection is retried with backoff for as long as the session lives.
 */
export async function startAmiSession(options: AmiSessionOptions): Promise<AmiSession> {
  const { logger } = options;
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const keepaliveMs = options.keepaliveMs ?? 10_000;
  let current: AmiConnection | undefined;
  let readyNow = false;
  let closing = false;
  let reconnects = 0;
  let waiters: Array<{ resolve: (connection: AmiConnection) => void; reject: (error: Error) => void }> = [];
  let retryTimer: NodeJS.Timeout | undefined;
  let opening: Promise<void> | undefined;
  /** Tries since the session was last ready: the backoff grows with it, also when a login works but the reconcile fails. */
  let failures = 0;

  async function open(reconnect: boolean): Promise<void> {
    const connection = await connectAmi(options.address, { timeoutMs: options.connectTimeoutMs });
    if (closing) {
      await connection.close();
      throw new AmiError('AMI session closed');
    }
    connection.onEvent(options.onEvent);
    current = connection;
    const keepalive = setInterval(() => {
      connection.action({ action: 'Ping' }).catch((error: Error) => {
        if (connection.isOpen()) connection.destroy(new AmiError(`AMI keepalive failed: ${error.message}`));
      });
    }, keepaliveMs);
    keepalive.unref();
    connection.closed.then((reason) => {
      clearInterval(keepalive);
      if (current === connection) lost(reason);
    });
    try {
      await options.onConnected(connection, reconnect);
    } catch (error) {
      // At start the caller gets the error; later the next try is scheduled.
      if (!reconnect) closing = true;
      connection.destroy(error as Error);
      throw error;
    }
    if (!connection.isOpen()) throw new AmiError('AMI connection lost during the reconcile');
    readyNow = true;
    const ready = waiters;
    waiters = [];
    for (const waiter of ready) waiter.resolve(connection);
    options.onReady?.();
  }

  function lost(reason: Error): void {
    current = undefined;
    readyNow = false;
    if (closing) return;
    logger.warn({ err: reason }, 'AMI connection lost; reconnecting');
    options.onDisconnected?.(reason);
    schedule();
  }

  /** One reconnect try at a time, after the backoff for the tries so far. */
  function schedule(): void {
    if (closing || retryTimer || opening) return;
    const wait = backoff[Math.min(failures, backoff.length - 1)] ?? 1_000;
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (closing) return;
      opening = open(true)
        .then(
          () => {
            failures = 0;
            reconnects += 1;
            logger.info({ reconnects }, 'AMI connection restored');
          },
          (error: Error) => {
            const retryInMs = backoff[Math.min(failures, backoff.length - 1)];
            if (!closing) logger.error({ err: error, retryInMs }, 'AMI reconnect failed');
          },
        )
        .finally(() => {
          opening = undefined;
          if (!readyNow) schedule();
        });
    }, wait);
  }

  await open(false);

  return {
    ready() {
      if (readyNow && current) return Promise.resolve(current);
      if (closing) return Promise.reject(new AmiError('AMI session closed'));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    isReady: () => readyNow,
    current: () => (readyNow ? current : undefined),
    get reconnects() {
      return reconnects;
    },
    async close() {
      closing = true;
      if (retryTimer) clearTimeout(retryTimer);
      for (const waiter of waiters) waiter.reject(new AmiError('AMI session closed'));
      waiters = [];
      // A reconnect under way finishes (and closes what it opened) before the session is closed.
      await opening;
      await current?.close();
    },
  };
}
