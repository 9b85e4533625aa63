import {
  AmiIdRewriter,
  amiHeader,
  amiHeaders,
  parseAmiMessage,
  readAmiTranscript,
  splitAmiMessages,
} from '../../../packages/testing/src/ami-transcript.ts';
import type { Scenario } from './scenarios.ts';
import { BANNER } from './wire.ts';

/** What differs from call to call; a template's text has `\0<index>\0` where each goes. */
const SLOTS = [
  'attempt',
  'personUniqueId',
  'agentChannel',
  'personChannel',
  'agentEndpoint',
  'agentName',
  'bridge',
  'lead',
  'number',
] as const;
type Slot = (typeof SLOTS)[number];
const slot = (name: Slot) => `\0${SLOTS.indexOf(name)}\0`;

interface TemplateMessage {
  /** ms after the Originate was sent */
  t: number;
  /** literal text at even indices, slot indices at odd ones */
  parts: (string | number)[];
  isEvent: boolean;
}

export interface Template {
  scenario: Scenario;
  messages: TemplateMessage[];
  events: number;
  durationMs: number;
}

/**
 * One scenario's messages from Asterisk after the Originate (the banner, Login/Logoff responses and
 * FullyBooted are per connection, not per call, so they are left out), with the recorded ids turned
 * into slots. Asterisk's message timing is kept: a message is due at its TCP chunk's `t`.
 * `withoutDialplan` leaves out the `dialplan` class (VarSet, Newexten), as an AMI user without
 * `read = dialplan` gets.
 */
export function callTemplate(scenario: Scenario, withoutDialplan: boolean): Template {
  const lines = readAmiTranscript(scenario.name);
  const actions = lines.filter((line) => line.dir === 'out').map((line) => parseAmiMessage(line.raw));
  const originate = actions.find((headers) => amiHeader(headers, 'Action') === 'Originate');
  const originateLine = lines.find((line) => line.dir === 'out' && line.raw.startsWith('Action: Originate'));
  if (!originate || !originateLine) throw new Error(`${scenario.name}: no Originate`);
  const perConnection = new Set(
    actions.filter((headers) => headers !== originate).map((headers) => amiHeader(headers, 'ActionID')),
  );

  const recorded: { t: number; headers: [string, string][]; text: string }[] = [];
  let buffer = '';
  for (const line of lines) {
    if (line.dir !== 'in') continue;
    buffer += line.raw.startsWith(BANNER) ? line.raw.slice(BANNER.length) : line.raw;
    const { messages, rest } = splitAmiMessages(buffer);
    buffer = rest;
    for (const text of messages) recorded.push({ t: line.t, headers: parseAmiMessage(text), text });
  }
  const kept = recorded.filter(({ headers }) => {
    if (amiHeader(headers, 'Event') === 'FullyBooted') return false;
    if (withoutDialplan && amiHeader(headers, 'Privilege')?.startsWith('dialplan')) return false;
    return !(amiHeader(headers, 'Response') && perConnection.has(amiHeader(headers, 'ActionID')));
  });

  const rewriter = new AmiIdRewriter();
  const set = (recordedId: string | undefined, name: Slot) => {
    if (recordedId) rewriter.set(recordedId, slot(name));
  };
  set(amiHeader(originate, 'ActionID'), 'attempt');
  const newChannels = kept
    .map(({ headers }) => headers)
    .filter((headers) => amiHeader(headers, 'Event') === 'Newchannel');
  const endpoint = amiHeader(originate, 'Channel') ?? '';
  for (const headers of newChannels) {
    const agentLeg = amiHeader(headers, 'Channel')?.startsWith(`${endpoint}-`);
    set(amiHeader(headers, 'Uniqueid'), agentLeg ? 'attempt' : 'personUniqueId');
    set(amiHeader(headers, 'Channel'), agentLeg ? 'agentChannel' : 'personChannel');
  }
  set(endpoint, 'agentEndpoint');
  set(endpoint.replace(/^[^/]*\//, ''), 'agentName');
  set(amiHeader(originate, 'Exten'), 'number');
  const lead = amiHeaders(originate, 'Variable').find((value) => value.startsWith('__PRONTO_LEAD_ID='));
  set(lead?.slice(lead.indexOf('=') + 1), 'lead');
  for (const { headers } of kept) set(amiHeader(headers, 'BridgeUniqueid'), 'bridge');

  const messages = kept.map(({ t, headers, text }) => ({
    t: Math.max(0, t - originateLine.t),
    parts: rewriter
      .apply(text)
      .split('\0')
      .map((part, i) => (i % 2 === 1 ? Number(part) : part)),
    isEvent: amiHeader(headers, 'Event') !== undefined,
  }));
  return {
    scenario,
    messages,
    events: messages.filter((message) => message.isEvent).length,
    durationMs: messages.at(-1)?.t ?? 0,
  };
}
