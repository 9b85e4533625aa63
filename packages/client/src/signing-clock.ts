import { createHash } from 'node:crypto';

/**
 * Pronto-Timestamp for each request. Pronto takes a state-changing request once per signature (409
 * replayed-request for the same one again), and a signature covers the timestamp in whole seconds: two
 * identical writes in one second (a retry 125 ms after a lost answer, or remove, add, remove) would be
 * one signature. So an identical write gets a later second than the last one signed; reads and
 * different writes take the clock's second as it is. Only seconds still to come are remembered.
 */
export function createSigningClock(clock: () => number) {
  const lastSigned = new Map<string, number>();
  return function timestampFor(method: string, path: string, body: string): number {
    const now = Math.floor(clock() / 1000);
    if (method === 'GET' || method === 'HEAD') return now;
    for (const [key, second] of lastSigned) if (second < now) lastSigned.delete(key);
    const key = createHash('sha256').update(`${method}\n${path}\n${body}`).digest('hex');
    const previous = lastSigned.get(key);
    const timestamp = previous === undefined ? now : Math.max(now, previous + 1);
    lastSigned.set(key, timestamp);
    return timestamp;
  };
}
