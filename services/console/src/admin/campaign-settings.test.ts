import { describe, expect, it } from 'vitest';
import { diffSettings, validateCampaignSettings } from './campaign-settings.ts';

const GROUPS = new Set(['sales']);
const fields = (body: Record<string, unknown>) =>
  validateCampaignSettings({ name: 'Cash loan', timeZone: 'Europe/Warsaw', ...body }, GROUPS).errors.map(
    (error) => error.field,
  );

describe('a campaign PUT body checked', () => {
  it('takes a window to midnight (24:00) and refuses one that ends when it starts', () => {
    expect(fields({ callingWindows: [{ days: [7], from: '20:00', to: '24:00' }] })).toEqual([]);
    expect(fields({ callingWindows: [{ days: [7], from: '20:00', to: '20:00' }] })).toEqual([
      'callingWindows.0.to',
    ]);
    expect(fields({ callingWindows: [{ days: [0, 8], from: '24:00', to: '25:00' }] })).toEqual([
      'callingWindows.0.days',
      'callingWindows.0.from',
      'callingWindows.0.to',
    ]);
  });

  it('refuses dates that do not exist, eligibility levels and retry fields it does not know', () => {
    expect(fields({ holidays: ['2028-02-29', '2026-02-29', '26-12-25'] })).toEqual([
      'holidays.1',
      'holidays.2',
    ]);
    expect(fields({ scoringWeights: { eligibility: { approved: 30, gold: 50 } } })).toEqual([
      'scoringWeights.eligibility.gold',
    ]);
    expect(fields({ retryPolicy: { shortDelaysSeconds: [], cadenceSeconds: [60, 0] } })).toEqual([
      'retryPolicy.shortDelaysSeconds',
      'retryPolicy.cadenceSeconds',
    ]);
    expect(fields({ agentGroups: ['sales', 'sales'] })).toEqual(['agentGroups.1']);
  });

  it('fills every default, and compares JSON fields whatever their keys’ order', () => {
    const { settings } = validateCampaignSettings({ name: ' Cash loan ', timeZone: 'europe/warsaw' }, GROUPS);
    if (!settings) throw new Error('refused');
    expect(settings).toMatchObject({
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
      slaSeconds: 300,
      callerId: null,
    });
    const reordered = { ...settings, retryPolicy: { ...settings.retryPolicy } };
    const { maxAttempts, ...rest } = reordered.retryPolicy;
    reordered.retryPolicy = { ...rest, maxAttempts };
    expect(diffSettings(settings, reordered)).toEqual([]);
    expect(diffSettings(settings, { ...settings, holidays: ['2026-12-24'] })).toEqual([
      { field: 'holidays', before: [], after: ['2026-12-24'] },
    ]);
  });
});
