import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleEvent, type Harness, startHarness } from './testing/ingest-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rateLimitPerSecond: 2 });
});
afterAll(async () => h.close());

describe('per-tenant rate limit', () => {
  it('answers 429 with Retry-After past the burst, and accepts again once it has passed', async () => {
    expect((await h.send('POST', '/v1/events', exampleEvent())).statusCode).toBe(202);
    expect((await h.send('POST', '/v1/events', exampleEvent())).statusCode).toBe(202);
    const limited = await h.send('POST', '/v1/events', exampleEvent());
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json()).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    h.clock.ms += 1000;
    expect((await h.send('POST', '/v1/events', exampleEvent())).statusCode).toBe(202);
  });
});
