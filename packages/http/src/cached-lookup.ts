export interface CachedLookupOptions<Value> {
  load(key: string): Promise<Value | null>;
  /** Now, in ms (injected so that tests move time). */
  now(): number;
  /** How long a found value is kept. */
  ttlMs: number;
  /** How long "not found" is kept: briefly, so something created meanwhile is soon found. */
  missTtlMs: number;
  /** Keys come from callers, so the cache is bounded; past this it starts afresh. */
  maxEntries?: number;
}

/**
 * A read-through cache for lookups made on every request (API keys, campaigns). Concurrent misses
 * for one key share one load; a failed load is not kept, so the next request tries again.
 */
export function createCachedLookup<Value>(
  options: CachedLookupOptions<Value>,
): (key: string) => Promise<Value | null> {
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { value: Promise<Value | null>; until: number }>();
  return (key) => {
    const at = options.now();
    const hit = cache.get(key);
    if (hit && hit.until > at) return hit.value;
    if (cache.size >= maxEntries) cache.clear();
    const entry = { value: options.load(key), until: at + options.ttlMs };
    cache.set(key, entry);
    entry.value.then(
      (value) => {
        if (value === null) entry.until = Math.min(entry.until, at + options.missTtlMs);
      },
      () => {
        if (cache.get(key) === entry) cache.delete(key);
      },
    );
    return entry.value;
  };
}
