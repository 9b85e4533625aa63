import { describe, expect, it } from 'vitest';
import { resolveZone } from './resolve-zone.ts';

describe('resolveZone', () => {
  it("takes the event's zone first", () => {
    expect(
      resolveZone({ eventZone: 'Europe/Lisbon', phoneE164: '+48601234567', campaignZone: 'Europe/Warsaw' }),
    ).toEqual({
      zone: 'Europe/Lisbon',
      source: 'event',
    });
  });

  it("else the phone number's country when it has one zone", () => {
    expect(resolveZone({ phoneE164: '+48601234567', campaignZone: 'America/New_York' })).toEqual({
      zone: 'Europe/Warsaw',
      source: 'phone',
    });
  });

  it("else the campaign's, saying why, for a country with several zones", () => {
    const resolved = resolveZone({ phoneE164: '+12025550143', campaignZone: 'America/Chicago' });
    expect(resolved).toMatchObject({ zone: 'America/Chicago', source: 'campaign' });
    expect(resolved.note).toMatch(/^US has \d+ time zones/);
  });
});
