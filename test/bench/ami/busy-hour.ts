// The busy-hour stream: N calls, each a copy of one scenario's template (chosen by a seeded PRNG)
// with its own ids, started at a random moment of the window, and every call's messages merged by
// their recorded times into one byte stream.
import { seededRandom } from '../../../packages/testing/src/seeded-random.ts';
import type { Template } from './call-template.ts';
import { WRITE_SLICE } from './wire.ts';

/** Agents the calls are spread over (channel names only; the tracker does not care). */
const AGENTS = 400;
/** Uniqueids of the person's legs start at this epoch second, as Asterisk's do. */
const EPOCH_S = 1_795_400_000;

export interface PlannedCall {
  n: number;
  attemptId: string;
  template: Template;
  startMs: number;
}

function planCalls(templates: Template[], count: number, windowMs: number, seed: number): PlannedCall[] {
  const random = seededRandom(seed);
  const total = templates.reduce((sum, { scenario }) => sum + scenario.weight, 0);
  return Array.from({ length: count }, (_, n) => {
    let pick = random() * total;
    const chosen =
      templates.find(({ scenario }) => {
        pick -= scenario.weight;
        return pick < 0;
      }) ?? (templates.at(-1) as Template);
    return { n, attemptId: `att-${n}`, template: chosen, startMs: Math.floor(random() * windowMs) };
  });
}

const hex8 = (value: number) => value.toString(16).padStart(8, '0');

/** The call's own ids, in the order of call-template.ts's SLOTS. */
function idsOf(call: PlannedCall): string[] {
  const { n } = call;
  const agent = `agent${1001 + (n % AGENTS)}`;
  return [
    call.attemptId,
    `${EPOCH_S + Math.floor(call.startMs / 1000)}.${2 * n + 1}`,
    `PJSIP/${agent}-${hex8(2 * n)}`,
    `PJSIP/carrier-${hex8(2 * n + 1)}`,
    `PJSIP/${agent}`,
    agent,
    `b5e0a1d2-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    `lead-${n}`,
    `48${600_000_000 + n}`,
  ];
}

export interface BusyHourStream {
  calls: PlannedCall[];
  /** The whole stream as Asterisk would send it (ASCII), without banner and login. */
  bytes: Buffer;
  messages: number;
  events: number;
  /** Calls in progress at once: the most, and the mean over the window. */
  peakConcurrent: number;
  meanConcurrent: number;
  windowMs: number;
}

export function busyHour(
  templates: Template[],
  count: number,
  windowMs: number,
  seed: number,
): BusyHourStream {
  const calls = planCalls(templates, count, windowMs, seed);
  const times: number[] = [];
  const texts: string[] = [];
  let events = 0;
  for (const call of calls) {
    const ids = idsOf(call);
    for (const message of call.template.messages) {
      times.push(call.startMs + message.t);
      let text = '';
      for (const part of message.parts) text += typeof part === 'number' ? ids[part] : part;
      texts.push(`${text}\r\n\r\n`);
    }
    events += call.template.events;
  }
  // Stable: messages of one call at the same ms keep their recorded order.
  const order = Array.from(times.keys()).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  const pieces: Buffer[] = [];
  let piece = '';
  for (const index of order) {
    piece += texts[index];
    if (piece.length >= WRITE_SLICE) {
      pieces.push(Buffer.from(piece, 'latin1'));
      piece = '';
    }
  }
  pieces.push(Buffer.from(piece, 'latin1'));

  const edges = calls.flatMap((call) => [
    [call.startMs, 1],
    [call.startMs + call.template.durationMs, -1],
  ]);
  edges.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let now = 0;
  let peakConcurrent = 0;
  for (const [, delta] of edges) {
    now += delta as number;
    peakConcurrent = Math.max(peakConcurrent, now);
  }
  const busyMs = calls.reduce((sum, call) => sum + call.template.durationMs, 0);
  return {
    calls,
    bytes: Buffer.concat(pieces),
    messages: texts.length,
    events,
    peakConcurrent,
    meanConcurrent: busyMs / windowMs,
    windowMs,
  };
}
