const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** Seconds in `3600`, `3600s`, `90m`, `12h`, `1d` or `1w`; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*([smhdw]?)$/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[(match[2] || 's').toLowerCase()] ?? 1);
}
