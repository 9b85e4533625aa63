import type { AmiMessage } from '../../../services/dialer/src/asterisk/ami-connection.ts';
import type { BusyHourStream } from './busy-hour.ts';
import { type Measured, measure } from './measure.ts';
import { outcomeCheck } from './outcome-check.ts';
import { readChunks } from './read-chunks.ts';

/**
 * One AMI message as asterisk-manager shapes it (keys lower-cased, a repeated key's values in an
 * array, `Variable`/`ChanVariable` as an object), read with indexOf/slice.
 */
function referenceMessage(text: string, start: number, end: number): AmiMessage {
  const item: AmiMessage = {};
  for (let at = start; at < end; ) {
    let eol = text.indexOf('\r\n', at);
    if (eol < 0 || eol > end) eol = end;
    const colon = text.indexOf(': ', at);
    if (colon >= 0 && colon < eol) {
      const key = text.slice(at, colon).toLowerCase();
      const value = text.slice(colon + 2, eol);
      const seen = item[key];
      if (key === 'variable' || key === 'chanvariable') {
        const variables = (typeof seen === 'object' && !Array.isArray(seen) ? seen : {}) as Record<
          string,
          string
        >;
        const eq = value.indexOf('=');
        variables[eq < 0 ? value : value.slice(0, eq)] = eq < 0 ? '' : value.slice(eq + 1);
        item[key] = variables;
      } else if (seen === undefined) item[key] = value;
      else if (Array.isArray(seen)) seen.push(value);
      else item[key] = [seen as string, value];
    }
    at = eol + 2;
  }
  return item;
}

/**
 * (d) For scale, not the dialer's code: a minimal reader of the same 64 KiB chunks handing each event
 * straight (no process.nextTick, no EventEmitter) to a fresh CallTracker. What parsing need cost.
 */
export function referencePath(stream: BusyHourStream): Measured {
  const chunks = readChunks(stream);
  const { tracker, outcomes } = outcomeCheck(stream.calls);
  let events = 0;
  let rest = '';
  const done = measure();
  for (const chunk of chunks) {
    const text = rest + chunk;
    let at = 0;
    for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n', at)) {
      const message = referenceMessage(text, at, end);
      at = end + 4;
      if (message.event === undefined) continue;
      events += 1;
      const updates = tracker.apply(message, new Date());
      if (updates.length > 0) outcomes.record(updates, tracker);
    }
    rest = text.slice(at);
  }
  const window = done();
  return { events, ...window, ...outcomes.check() };
}
