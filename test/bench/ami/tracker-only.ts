import type { AmiMessage } from '../../../services/dialer/src/asterisk/ami-connection.ts';
import type { PlannedCall } from './busy-hour.ts';
import { type Measured, measure } from './measure.ts';
import { outcomeCheck } from './outcome-check.ts';

/** (b) CallTracker alone, on the event objects asterisk-manager made. */
export function trackerOnly(events: AmiMessage[], calls: PlannedCall[]): Measured {
  const { tracker, outcomes } = outcomeCheck(calls);
  const done = measure();
  for (const event of events) {
    const updates = tracker.apply(event, new Date());
    if (updates.length > 0) outcomes.record(updates, tracker);
  }
  const window = done();
  return { events: events.length, ...window, ...outcomes.check() };
}
