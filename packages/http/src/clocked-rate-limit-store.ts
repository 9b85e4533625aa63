interface Counted {
  current: number;
  ttl: number;
}
interface Window {
  current: number;
  startedAt: number;
}

/**
 * A store for @fastify/rate-limit that reads the injected clock (its own store reads Date.now(),
 * which a test cannot move): fixed windows per key, in this process's memory, at most
 * `maxKeys` keys (the oldest window is dropped first).
 */
export function clockedRateLimitStore(now: () => Date, maxKeys = 50_000) {
  return class ClockedRateLimitStore {
    private readonly windows = new Map<string, Window>();

    incr(key: string, done: (error: Error | null, result: Counted) => void, timeWindow: number) {
      const at = now().getTime();
      const previous = this.windows.get(key);
      const window =
        previous && at < previous.startedAt + timeWindow
          ? { current: previous.current + 1, startedAt: previous.startedAt }
          : { current: 1, startedAt: at };
      this.windows.delete(key);
      this.windows.set(key, window);
      if (this.windows.size > maxKeys) this.windows.delete(this.windows.keys().next().value as string);
      done(null, { current: window.current, ttl: window.startedAt + timeWindow - at });
    }

    read(key: string, done: (error: Error | null, result: Counted) => void, timeWindow: number) {
      const at = now().getTime();
      const window = this.windows.get(key);
      if (!window || at >= window.startedAt + timeWindow) return done(null, { current: 0, ttl: 0 });
      done(null, { current: window.current, ttl: window.startedAt + timeWindow - at });
    }

    child() {
      return new ClockedRateLimitStore();
    }
  };
}
