import { cpus } from 'node:os';
import type { BusyHourStream } from './busy-hour.ts';
import { fmt, loadAverage, rate } from './format.ts';
import type { Measured } from './measure.ts';

export const TARGET_EVENTS_PER_S = 20_000;

interface Results {
  callCount: number;
  windowS: number;
  withoutDialplan: boolean;
  stream: BusyHourStream;
  full: Measured;
  parsed: Measured;
  tracked: Measured;
  reference: Measured;
}

/**
 * The four paths as a Markdown table with the verdict on (a), what became of the calls, and one JSON
 * line of the figures (for collecting runs).
 */
export function printReport(log: (line?: string) => void, results: Results): void {
  const { callCount, windowS, withoutDialplan, stream, full, parsed, tracked, reference } = results;
  const row = (name: string, m: Measured, verdict: string) =>
    `| ${name} | ${fmt(m.events)} | ${fmt(m.wallMs)} | ${fmt(rate(m.events, m.wallMs))} | ${fmt(m.cpuMs)} | ${fmt(rate(m.events, m.cpuMs))} | ${((m.cpuMs * 1000) / m.events).toFixed(1)} | ${m.otherPct === undefined ? '?' : `${m.otherPct} %`} | ${verdict} |`;
  const fullRate = rate(full.events, full.wallMs);
  const verdict =
    full.events !== stream.events
      ? `**MISS**: ${fmt(stream.events - full.events)} events never applied`
      : fullRate >= TARGET_EVENTS_PER_S
        ? `PASS (>= ${fmt(TARGET_EVENTS_PER_S)})`
        : `**MISS** (${(fullRate / TARGET_EVENTS_PER_S).toFixed(2)} x the target)`;
  log(
    '\n| path | events | wall ms | events/s (wall) | CPU ms | events/s per CPU second | CPU µs per event | rest of the machine | target 20,000 events/s |',
  );
  log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  log(row('a. full: TCP -> connectAmi (asterisk-manager) -> CallTracker', full, verdict));
  log(row("c. asterisk-manager's reader only (no socket, no tracker)", parsed, ''));
  log(row('b. CallTracker only (pre-parsed events)', tracked, ''));
  log(row('d. for scale: a minimal reader + CallTracker, in memory (not the dialer)', reference, ''));

  log(
    `\nfull path: ${fmt(stream.calls.length)} calls in ${(full.wallMs / 1000).toFixed(1)} s = ${fmt(rate(stream.calls.length, full.wallMs))} calls/s ` +
      `(${fmt(rate(stream.calls.length, full.wallMs) * 3600)} calls/h) on one core${withoutDialplan ? ', without the dialplan class' : ''}`,
  );
  const serverShare = full.serverCpuMs === undefined ? '?' : `${fmt(full.serverCpuMs)} ms`;
  log(
    `full path: ${fmt(full.ended ?? 0)} of ${fmt(stream.calls.length)} calls ended, ${fmt(full.updates ?? 0)} phases emitted, ` +
      `${full.mismatches?.length ?? 0} calls not ended as recorded; the server process used ${serverShare} of CPU meanwhile`,
  );
  log(
    `tracker only: ${fmt(tracked.ended ?? 0)} ended, ${fmt(tracked.updates ?? 0)} phases, ${tracked.mismatches?.length ?? 0} not as recorded`,
  );
  log(
    `minimal reader + tracker: ${fmt(reference.ended ?? 0)} ended, ${fmt(reference.updates ?? 0)} phases, ${reference.mismatches?.length ?? 0} not as recorded`,
  );
  const mismatches = [full, tracked, reference].flatMap((m) => m.mismatches ?? []);
  for (const mismatch of mismatches.slice(0, 10)) log(`  mismatch: ${mismatch}`);
  log(
    `\nload average at the end ${loadAverage()}: wall figures include waiting for a core when the load exceeds ${cpus().length}; CPU figures do not ` +
      '(but include V8 GC helper threads, and a busy sibling vCPU slows them too).',
  );
  const figures = (m: Measured) => ({
    events: m.events,
    wallMs: Math.round(m.wallMs),
    cpuMs: Math.round(m.cpuMs),
    eventsPerS: Math.round(rate(m.events, m.wallMs)),
    otherPct: m.otherPct,
  });
  log(
    JSON.stringify({
      calls: callCount,
      windowS,
      withoutDialplan,
      events: stream.events,
      full: { ...figures(full), serverCpuMs: Math.round(full.serverCpuMs ?? Number.NaN) },
      parserOnly: figures(parsed),
      trackerOnly: figures(tracked),
      minimalReader: figures(reference),
      mismatches: mismatches.length,
      pass: full.events === stream.events && fullRate >= TARGET_EVENTS_PER_S,
    }),
  );
}
