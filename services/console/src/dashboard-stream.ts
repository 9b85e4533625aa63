import type { ServerResponse } from 'node:http';
import type { Logger } from '@pronto/telemetry';

export interface DashboardStreamsOptions {
  logger: Logger;
  /** The clock that decides when a viewer's session has expired. */
  now: () => Date;
  /** How often a watched snapshot is recomputed; it is sent only when it changed. Default 2 s. */
  refreshMs?: number;
  /** How often a comment line goes down an idle stream, so proxies keep it open. Default 15 s. */
  heartbeatMs?: number;
  /**
   * Which viewers' sessions still hold (Sessions.live): a manager disabled, or a tenant disabled,
   * on any instance sees no more figures after the next refresh.
   */
  liveSessions?: (tokenSha256s: readonly string[]) => Promise<Set<string>>;
}

/** The snapshot a group of streams shows, as JSON (compared as text, to send only changes). */
export type Snapshotter = () => Promise<string>;

/** Whose session a stream was opened with: it ends with the session. */
export interface Viewer {
  tokenSha256: string;
  expiresAt: Date;
}

interface Watch {
  compute: Snapshotter;
  clients: Map<ServerResponse, Viewer>;
  last?: string;
  busy: boolean;
  refresh: NodeJS.Timeout;
  heartbeat: NodeJS.Timeout;
}

export interface DashboardStreams {
  /**
   * Sends `compute`'s snapshot down `response` (an open text/event-stream) now and whenever it
   * changes. Streams with the same `key` (tenant and filters) share one computation.
   */
  watch(key: string, response: ServerResponse, compute: Snapshotter, viewer: Viewer): Promise<void>;
  /** Ends the streams a session opened (its manager signed out). */
  endSession(tokenSha256: string): void;
  /** Ends every stream and stops every timer. */
  close(): void;
  /** How many snapshots are being watched (tests: timers stop when the last stream goes). */
  watched(): number;
}

const event = (data: string) => `event: snapshot\ndata: ${data}\n\n`;

/** Server-sent events for the dashboard: live figures without a reload, recomputed only while watched. */
export function createDashboardStreams(options: DashboardStreamsOptions): DashboardStreams {
  const refreshMs = options.refreshMs ?? 2_000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const watches = new Map<string, Watch>();

  const stop = (key: string, watch: Watch) => {
    clearInterval(watch.refresh);
    clearInterval(watch.heartbeat);
    if (watches.get(key) === watch) watches.delete(key);
  };

  const refresh = async (watch: Watch) => {
    if (watch.busy) return;
    watch.busy = true;
    try {
      // A session that expired meanwhile sees no more figures.
      const now = options.now().getTime();
      for (const [client, viewer] of watch.clients) if (viewer.expiresAt.getTime() <= now) client.end();
      if (options.liveSessions && watch.clients.size > 0) {
        const live = await options.liveSessions([...watch.clients.values()].map((v) => v.tokenSha256));
        for (const [client, viewer] of watch.clients) if (!live.has(viewer.tokenSha256)) client.end();
      }
      if (watch.clients.size === 0) return;
      const snapshot = await watch.compute();
      if (snapshot === watch.last) return;
      watch.last = snapshot;
      for (const client of watch.clients.keys()) client.write(event(snapshot));
    } catch (error) {
      // The next tick tries again; the page keeps showing the last figures meanwhile.
      options.logger.warn({ err: error }, 'dashboard snapshot failed');
    } finally {
      watch.busy = false;
    }
  };

  return {
    async watch(key, response, compute, viewer) {
      let watch = watches.get(key);
      if (!watch) {
        const created: Watch = {
          compute,
          clients: new Map(),
          busy: false,
          refresh: setInterval(() => void refresh(created), refreshMs),
          heartbeat: setInterval(() => {
            for (const client of created.clients.keys()) client.write(': heartbeat\n\n');
          }, heartbeatMs),
        };
        watch = created;
        watches.set(key, watch);
      }
      const current = watch;
      current.clients.set(response, viewer);
      response.on('close', () => {
        current.clients.delete(response);
        if (current.clients.size === 0) stop(key, current);
      });
      if (current.last !== undefined) response.write(event(current.last));
      else await refresh(current);
    },
    endSession(tokenSha256) {
      for (const watch of watches.values())
        for (const [client, viewer] of watch.clients) if (viewer.tokenSha256 === tokenSha256) client.end();
    },
    close() {
      for (const [key, watch] of watches) {
        stop(key, watch);
        for (const client of watch.clients.keys()) client.end();
      }
    },
    watched: () => watches.size,
  };
}
