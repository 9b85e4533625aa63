import { describe, expect, it } from 'vitest';
import { ConfigError } from './load-config.ts';
import { GaveUpWaiting, waitUntilReady } from './wait-until-ready.ts';

/** A clock that moves only when the code under test sleeps, and a logger that keeps its lines. */
function fakes() {
  let clock = 0;
  const sleeps: number[] = [];
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const log = (level: string) => (fields: object, message: string) =>
    lines.push({ level, fields: fields as Record<string, unknown>, message });
  return {
    sleeps,
    lines,
    now: () => clock,
    /** An attempt that takes time, as a connection attempt does. */
    spend: (ms: number) => {
      clock += ms;
    },
    options: {
      what: 'PostgreSQL',
      timeoutMs: 10_000,
      now: () => clock,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clock += ms;
      },
      logger: { info: log('info'), warn: log('warn') },
    },
  };
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('waitUntilReady', () => {
  it('retries with growing pauses until the attempt succeeds, logging what it waits for and each attempt', async () => {
    const { options, sleeps, lines } = fakes();
    const value = await waitUntilReady(async (number) => {
      if (number < 4) throw refused();
      return 'connected';
    }, options);

    expect(value).toBe('connected');
    expect(sleeps).toEqual([250, 500, 1_000]);
    expect(lines.filter((line) => line.level === 'warn')).toEqual(
      [1, 2, 3].map((attempt, index) => ({
        level: 'warn',
        message: 'waiting for PostgreSQL',
        fields: {
          waitingFor: 'PostgreSQL',
          attempt,
          retryInMs: sleeps[index],
          reason: 'connect ECONNREFUSED 127.0.0.1:5432',
        },
      })),
    );
    expect(lines.at(-1)).toEqual({
      level: 'info',
      message: 'PostgreSQL is ready',
      fields: { waitingFor: 'PostgreSQL', attempt: 4 },
    });
  });

  it('logs nothing when the first attempt succeeds', async () => {
    const { options, lines, sleeps } = fakes();
    await waitUntilReady(async () => 1, options);
    expect(lines).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the bound with the last error, trying once more right at the bound', async () => {
    const { options, sleeps, now, spend } = fakes();
    const errors: Error[] = [];
    let error: unknown;
    try {
      await waitUntilReady(
        async (number) => {
          spend(100);
          const failure = new Error(`UNKNOWN_TOPIC_OR_PARTITION (attempt ${number})`);
          errors.push(failure);
          throw failure;
        },
        { ...options, what: 'the bus (kafka)' },
      );
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(GaveUpWaiting);
    const gaveUp = error as GaveUpWaiting;
    // Pauses 250, 500, 1000, 2000, 4000; with 100 ms per attempt that is 8,350 ms after six attempts:
    // the last pause is what is left of 10 s, and the seventh attempt starts at 10 s exactly.
    expect(sleeps).toEqual([250, 500, 1_000, 2_000, 4_000, 1_650]);
    expect(gaveUp.attempts).toBe(7);
    expect(gaveUp.cause).toBe(errors.at(-1));
    expect(now()).toBe(10_100);
    expect(gaveUp.message).toBe(
      'gave up waiting for the bus (kafka) after 10 s and 7 attempts: UNKNOWN_TOPIC_OR_PARTITION (attempt 7)',
    );
  });

  it('caps the pause', async () => {
    const { options, sleeps } = fakes();
    await expect(
      waitUntilReady(
        async () => {
          throw refused();
        },
        { ...options, timeoutMs: 30_000, maxDelayMs: 5_000 },
      ),
    ).rejects.toBeInstanceOf(GaveUpWaiting);
    expect(Math.max(...sleeps)).toBe(5_000);
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(30_000);
  });

  it('does not retry a configuration problem or an error the caller calls permanent', async () => {
    const { options, sleeps } = fakes();
    const bad = new ConfigError(['KAFKA_BROKERS is required when BUS=kafka']);
    await expect(
      waitUntilReady(async () => {
        throw bad;
      }, options),
    ).rejects.toBe(bad);
    const refusedLogin = new Error('AMI login refused');
    await expect(
      waitUntilReady(
        async () => {
          throw refusedLogin;
        },
        { ...options, isPermanent: (error) => error === refusedLogin },
      ),
    ).rejects.toBe(refusedLogin);
    expect(sleeps).toEqual([]);
  });
});
