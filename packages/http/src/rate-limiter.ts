export interface TenantRate {
  perSecond: number;
  burst: number;
}

export interface RateLimiter {
  /** Takes `cost` tokens from the tenant's bucket; when it cannot, how many seconds until it could. */
  take(
    tenantId: string,
    rate: TenantRate,
    cost?: number,
  ): { ok: true } | { ok: false; retryAfterSeconds: number };
}

/** A token bucket per tenant, in this process (each intake instance enforces its share). */
export function createRateLimiter(now: () => number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(tenantId, rate, cost = 1) {
      const at = now();
      const bucket = buckets.get(tenantId) ?? { tokens: rate.burst, at };
      bucket.tokens = Math.min(rate.burst, bucket.tokens + ((at - bucket.at) / 1000) * rate.perSecond);
      bucket.at = at;
      buckets.set(tenantId, bucket);
      const needed = Math.min(cost, rate.burst);
      if (bucket.tokens >= needed) {
        bucket.tokens -= needed;
        return { ok: true };
      }
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((needed - bucket.tokens) / rate.perSecond)),
      };
    },
  };
}
