import { randomUUID } from 'node:crypto';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { openTestDatabase, type TestDatabase } from '@pronto/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { campaignProfileLookup } from './campaign-profile-lookup.ts';
import { DEFAULT_DIALER_PROFILE } from './dialer-profile.ts';

describe('campaignProfileLookup', () => {
  let db: TestDatabase;
  let tenantId: string;
  let ms: number;
  beforeEach(async () => {
    db = await openTestDatabase();
    tenantId = (await createTenant(db.prisma, { slug: 'bank', name: 'Bank' })).id;
    ms = Date.parse('2026-11-24T09:00:00Z');
  });
  afterEach(async () => {
    await db.close();
  });

  async function campaignWith(dialerProfile: object) {
    const campaign = await createCampaign(db.prisma, {
      tenantId,
      slug: `cash-loan-${randomUUID()}`,
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
      dialerProfile,
    });
    return campaign.id;
  }

  async function setProfile(campaignId: string, dialerProfile: object) {
    await db.sql.query('UPDATE campaign SET dialer_profile = $2 WHERE id = $1', [
      campaignId,
      JSON.stringify(dialerProfile),
    ]);
  }

  it("reads a campaign's profile over the defaults and keeps it for the ttl", async () => {
    const profileFor = campaignProfileLookup(db.sql, { ttlMs: 30_000, now: () => ms });
    const rates = { answered: 0.6, no_answer: 0.2, busy: 0.1, voicemail: 0.1, failed: 0 };
    const campaignId = await campaignWith({ rates, noAnswerTimeoutMs: 25_000 });

    expect(await profileFor(campaignId)).toEqual({
      ...DEFAULT_DIALER_PROFILE,
      rates,
      noAnswerTimeoutMs: 25_000,
    });

    await setProfile(campaignId, {});
    ms += 29_999;
    expect((await profileFor(campaignId)).rates).toEqual(rates);
    ms += 1;
    expect(await profileFor(campaignId)).toEqual(DEFAULT_DIALER_PROFILE);
  });

  it('dials a campaign it cannot find with the defaults', async () => {
    const profileFor = campaignProfileLookup(db.sql, { ttlMs: 30_000 });
    expect(await profileFor(randomUUID())).toEqual(DEFAULT_DIALER_PROFILE);
  });

  it('refuses a profile that does not validate, naming the campaign and the field, and reads it again next time', async () => {
    const profileFor = campaignProfileLookup(db.sql, { ttlMs: 30_000, now: () => ms });
    const campaignId = await campaignWith({ rates: { answered: 0.9 } });

    await expect(profileFor(campaignId)).rejects.toThrow(
      `dialer profile of campaign ${campaignId}: rates must sum to 1`,
    );
    await setProfile(campaignId, { rates: { answered: 0.25, no_answer: 0.45 } });
    expect((await profileFor(campaignId)).rates.answered).toBe(0.25);
  });
});
