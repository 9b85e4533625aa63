import type { Sql } from '@pronto/db';
import { type DialerProfile, DialerProfileError, resolveProfile } from './dialer-profile.ts';

export interface CampaignProfileLookupOptions {
  /** How long a campaign's profile is kept before it is read again. */
  ttlMs: number;
  /** Now, in ms (injected so that tests move time). */
  now?: () => number;
}

/** Campaign ids come from messages, so the cache is bounded; past this it starts afresh. */
const MAX_ENTRIES = 1_000;

/**
 * The dialer's `profileFor`: a campaign's `dialer_profile` over the defaults, read from the
 * database and kept for `ttlMs`, so that a campaign's change reaches the dialer within that time
 * without a read per call. An unknown campaign dials with the defaults. A profile that does not
 * validate rejects, naming the campaign and the field; a failed read is not kept.
 */
export function campaignProfileLookup(
  sql: Sql,
  options: CampaignProfileLookupOptions,
): (campaignId: string) => Promise<DialerProfile> {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { profile: Promise<DialerProfile>; until: number }>();
  return (campaignId) => {
    const at = now();
    const hit = cache.get(campaignId);
    if (hit && hit.until > at) return hit.profile;
    if (cache.size >= MAX_ENTRIES) cache.clear();
    const entry = { profile: readProfile(sql, campaignId), until: at + options.ttlMs };
    cache.set(campaignId, entry);
    entry.profile.catch(() => {
      if (cache.get(campaignId) === entry) cache.delete(campaignId);
    });
    return entry.profile;
  };
}

async function readProfile(sql: Sql, campaignId: string): Promise<DialerProfile> {
  const [row] = await sql.query<{ dialer_profile: unknown }>(
    'SELECT dialer_profile FROM campaign WHERE id = $1',
    [campaignId],
  );
  try {
    return resolveProfile(row?.dialer_profile);
  } catch (error) {
    if (error instanceof DialerProfileError) throw new DialerProfileError(error.problem, campaignId);
    throw error;
  }
}
