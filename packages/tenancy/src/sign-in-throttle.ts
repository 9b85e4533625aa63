/**
 * Slows password guessing per account without letting a guesser lock a person out for long
 * (docs/operations.md, "Browsers"). Kept in this process's memory: each instance brakes the
 * guesses it sees, and a restart forgets (the per-address limit and the 60 s cap make both cheap).
 *
 * - One address on one account: 5 failures in a row are free; then each failure makes the next
 *   attempt wait 1 s, 2 s, 4 s ... at most 60 s. This is what brakes one guesser.
 * - One account from every address together: 20 failures in a row are free, then the same
 *   doubling. This brakes guessers spread over many addresses; it does not apply to an address
 *   the account signed in from successfully in the last 24 h, so the person at their usual desk
 *   is never held up by someone else's guesses.
 * - A successful sign-in clears both. An attempt that must wait is refused before the password
 *   is checked (429 with Retry-After), so waiting out the delay is the only way to guess again.
 */
export interface SignInThrottle {
  /** How long this attempt must wait before its password may be checked; 0: check it now. */
  waitMs(username: string, address: string): number;
  failed(username: string, address: string): void;
  succeeded(username: string, address: string): void;
}

export interface SignInThrottleOptions {
  now: () => Date;
  /** Failures free from one address before the delays start. Default 5. */
  freePerAddress?: number;
  /** Failures free from all addresses together. Default 20. */
  freePerAccount?: number;
  /** The longest delay. Default 60 s. */
  maxDelayMs?: number;
}

interface Failures {
  count: number;
  lastAt: number;
}

const FORGET_AFTER_MS = 15 * 60_000;
const KNOWN_ADDRESS_MS = 24 * 3_600_000;
/** Entries kept at most, oldest dropped first: a flood of made-up usernames cannot fill the memory. */
const MAX_ENTRIES = 50_000;

export function createSignInThrottle(options: SignInThrottleOptions): SignInThrottle {
  const freePerAddress = options.freePerAddress ?? 5;
  const freePerAccount = options.freePerAccount ?? 20;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const byPair = new Map<string, Failures>();
  const byAccount = new Map<string, Failures>();
  /** account -> address -> when it last signed in. */
  const knownAddresses = new Map<string, Map<string, number>>();

  const account = (username: string) => username.trim().toLowerCase();
  const pair = (username: string, address: string) => `${account(username)}\n${address}`;
  const delayAfter = (failures: Failures | undefined, free: number, at: number) => {
    if (!failures || failures.count < free || at - failures.lastAt > FORGET_AFTER_MS) return 0;
    const delay = Math.min(maxDelayMs, 1_000 * 2 ** (failures.count - free));
    return Math.max(0, failures.lastAt + delay - at);
  };
  const isKnown = (username: string, address: string, at: number) => {
    const signedInAt = knownAddresses.get(account(username))?.get(address);
    return signedInAt !== undefined && at - signedInAt < KNOWN_ADDRESS_MS;
  };
  const count = (map: Map<string, Failures>, key: string, at: number) => {
    const previous = map.get(key);
    const fresh = previous && at - previous.lastAt <= FORGET_AFTER_MS ? previous.count : 0;
    map.delete(key);
    map.set(key, { count: fresh + 1, lastAt: at });
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
  };

  return {
    waitMs(username, address) {
      const at = options.now().getTime();
      const own = delayAfter(byPair.get(pair(username, address)), freePerAddress, at);
      const shared = isKnown(username, address, at)
        ? 0
        : delayAfter(byAccount.get(account(username)), freePerAccount, at);
      return Math.max(own, shared);
    },
    failed(username, address) {
      const at = options.now().getTime();
      count(byPair, pair(username, address), at);
      count(byAccount, account(username), at);
    },
    succeeded(username, address) {
      const at = options.now().getTime();
      byPair.delete(pair(username, address));
      byAccount.delete(account(username));
      const known = knownAddresses.get(account(username)) ?? new Map<string, number>();
      known.delete(address);
      known.set(address, at);
      // The last few desks are enough.
      if (known.size > 5) known.delete(known.keys().next().value as string);
      knownAddresses.delete(account(username));
      knownAddresses.set(account(username), known);
      if (knownAddresses.size > MAX_ENTRIES)
        knownAddresses.delete(knownAddresses.keys().next().value as string);
    },
  };
}
