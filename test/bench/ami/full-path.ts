import type { ChildProcess } from 'node:child_process';
import { connectAmi, parseAmiUrl } from '../../../services/dialer/src/asterisk/ami-connection.ts';
import type { BusyHourStream } from './busy-hour.ts';
import { type Measured, measure } from './measure.ts';
import { outcomeCheck } from './outcome-check.ts';

/** A run that stops receiving events for this long has lost some: it is reported, not waited for. */
const STALL_MS = 10_000;

/** (a) The whole way: the child's TCP stream -> connectAmi (asterisk-manager) -> CallTracker. */
export async function fullPath(url: string, stream: BusyHourStream, server: ChildProcess): Promise<Measured> {
  const { tracker, outcomes } = outcomeCheck(stream.calls);
  const connection = await connectAmi(parseAmiUrl(url), { timeoutMs: 10_000, actionTimeoutMs: 60_000 });
  let applied = 0;
  let lastEventAt = 0;
  let allApplied: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    allApplied = resolve;
  });
  connection.onEvent((event) => {
    // What the dialer's onEvent does: apply with the clock's time, publish the phases.
    const updates = tracker.apply(event, new Date());
    if (updates.length > 0) outcomes.record(updates, tracker);
    applied += 1;
    if (applied === stream.events) {
      lastEventAt = performance.now();
      allApplied();
    }
  });
  let progress = -1;
  const watchdog = setInterval(() => {
    if (applied === progress) {
      lastEventAt = performance.now() - STALL_MS;
      allApplied();
    }
    progress = applied;
  }, STALL_MS);

  const done = measure(server.pid);
  // The server starts the stream once it has answered this Ping (so no event can come before the
  // listener above, and the window starts with the stream).
  await connection.action({ action: 'Ping' });
  if (stream.events === 0) allApplied();
  await finished;
  const window = done(lastEventAt);
  clearInterval(watchdog);
  await connection.close();
  return { events: applied, ...window, ...outcomes.check() };
}
