import { KNOWN_TIME_ZONES, knownTimeZone } from '@pronto/contracts';
import { databaseKinds, openTestDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';

// The zones intake takes must work on both sides: Intl computes calling windows, and the database's
// AT TIME ZONE groups reports by local hour. A zone one of them lacks breaks the tenant's reports.
describe('the time zones intake takes', () => {
  it('are all known to Intl, and the zones Intl calls canonical are all taken', () => {
    const unknown = KNOWN_TIME_ZONES.filter((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return false;
      } catch {
        return true;
      }
    });
    expect(unknown).toEqual([]);
    expect(Intl.supportedValuesOf('timeZone').filter((zone) => !knownTimeZone(zone))).toEqual([]);
    expect(knownTimeZone('US/Pacific-New')).toBeUndefined();
  });

  it.each(databaseKinds())('are all in pg_timezone_names on %s', async (kind) => {
    const db = await openTestDatabase(kind);
    try {
      const rows = await db.sql.query<{ name: string }>('SELECT name FROM pg_timezone_names');
      const names = new Set(rows.map((row) => row.name));
      expect(KNOWN_TIME_ZONES.filter((zone) => !names.has(zone))).toEqual([]);
      expect(names.has('US/Pacific-New')).toBe(false);
    } finally {
      await db.close();
    }
  });
});
