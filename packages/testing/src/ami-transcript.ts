import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The recorded Asterisk 22 AMI sessions live beside the repository (../shared/ami), not in it;
 * resolving from this file keeps that working from any clone or worktree placed next to it.
 */
export const AMI_TRANSCRIPTS_DIR: string = fileURLToPath(
  new URL('../../../../shared/ami/transcripts', import.meta.url),
);

export function amiTranscriptPath(name: string): string {
  return resolve(AMI_TRANSCRIPTS_DIR, `${name}.jsonl`);
}

/** One line of a transcript: `in` = a TCP chunk Asterisk sent, `out` = an action the recording client wrote. */
export interface TranscriptLine {
  t: number;
  dir: 'in' | 'out';
  raw: string;
  /** Asterisk closed the socket here (`raw` is then empty). */
  eof?: boolean;
}

/**
 * Reads a transcript by scenario name (`originate-contacted`, `ami-connection-drop.reconnect`) or by path
 * (anything ending in `.jsonl` or containing a path separator).
 */
export function readAmiTranscript(nameOrPath: string): TranscriptLine[] {
  const looksLikePath = nameOrPath.endsWith('.jsonl') || nameOrPath.includes('/') || isAbsolute(nameOrPath);
  const file = looksLikePath ? resolve(nameOrPath) : amiTranscriptPath(nameOrPath);
  const lines: TranscriptLine[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.trim() === '') return;
      const value: unknown = JSON.parse(text);
      const line = value as Partial<TranscriptLine> & { error?: unknown };
      if (
        typeof line.t !== 'number' ||
        (line.dir !== 'in' && line.dir !== 'out') ||
        typeof line.raw !== 'string'
      ) {
        throw new Error(`${file}:${i + 1}: not a transcript line: ${text.slice(0, 120)}`);
      }
      // The recorder writes `error` instead of `eof` for a socket error; replaying treats both as the end.
      const eof = line.eof === true || line.error !== undefined;
      lines.push(
        eof ? { t: line.t, dir: 'in', raw: line.raw, eof } : { t: line.t, dir: line.dir, raw: line.raw },
      );
    });
  return lines;
}

/** Parses one AMI message (headers separated by \r\n) into ordered [key, value] pairs (values keep an empty string for `Key: `). */
export function parseAmiMessage(raw: string): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) {
      headers.push([line, '']);
      continue;
    }
    // Only the one space of `Key: value` is syntax; RTCP stats values start with significant padding.
    const value = line.slice(colon + 1);
    headers.push([line.slice(0, colon), value.startsWith(' ') ? value.slice(1) : value]);
  }
  return headers;
}

/** The first value of header `name`, compared case-insensitively as Asterisk does. */
export function amiHeader(headers: Array<[string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}

/** Every value of header `name` (case-insensitive), in order. */
export function amiHeaders(headers: Array<[string, string]>, name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter(([key]) => key.toLowerCase() === wanted).map(([, value]) => value);
}

/**
 * Splits a stream of AMI text into complete messages, keeping the incomplete tail for the next read.
 * Blank lines between messages are skipped rather than read as empty messages.
 */
export function splitAmiMessages(buffer: string): { messages: string[]; rest: string } {
  const messages: string[] = [];
  let rest = buffer;
  for (let end = rest.indexOf('\r\n\r\n'); end >= 0; end = rest.indexOf('\r\n\r\n')) {
    const message = rest.slice(0, end).replace(/^(?:\r\n)+/, '');
    rest = rest.slice(end + 4);
    if (message !== '') messages.push(message);
  }
  return { messages, rest: rest.replace(/^(?:\r\n)+/, '') };
}

/** Formats headers as an AMI message (`Key: value` lines and the terminating blank line). */
export function formatAmiMessage(headers: Array<[string, string]>): string {
  return `${headers.map(([key, value]) => `${key}: ${value}`).join('\r\n')}\r\n\r\n`;
}

const TOKEN_CHAR = 'A-Za-z0-9_.';
/** A token may be followed by '-' (a channel name's suffix) but not preceded by one: `csc-1` is not a token of `att-csc-1`. */
const BEFORE_CHAR = `${TOKEN_CHAR}-`;

/**
 * Replaces recorded ids with the client's in replayed text. Only whole tokens are replaced (`att-1` must
 * not turn `att-10` into `A-10`), yet a channel prefix like `PJSIP/agent1001` must still be found inside
 * `PJSIP/agent1001-0000000c`, hence the boundary is "not a word char or dot" rather than \b. Longest keys
 * come first in one alternation so a full channel name wins over its prefix, and one pass means a
 * replacement is never rewritten again.
 */
export class AmiIdRewriter {
  readonly #map = new Map<string, string>();
  #pattern: RegExp | undefined;

  get entries(): ReadonlyMap<string, string> {
    return this.#map;
  }

  set(recorded: string, client: string): void {
    if (recorded === '' || this.#map.get(recorded) === client) return;
    this.#map.set(recorded, client);
    this.#pattern = undefined;
  }

  apply(text: string): string {
    if (this.#map.size === 0) return text;
    this.#pattern ??= new RegExp(
      `(?<![${BEFORE_CHAR}])(?:${[...this.#map.keys()]
        .sort((a, b) => b.length - a.length)
        .map((key) => key.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))
        .join('|')})(?![${TOKEN_CHAR}])`,
      'g',
    );
    return text.replace(this.#pattern, (token) => this.#map.get(token) ?? token);
  }

  /**
   * Learns recorded -> client ids from a client action that matched the recorded one; `answer` is the
   * recorded text Asterisk sent after the recorded action (up to the next one).
   */
  learn(recorded: Array<[string, string]>, client: Array<[string, string]>, answer: string): void {
    for (const name of ['ActionID', 'Channel', 'Exten', 'ChannelId']) {
      this.#learn(amiHeader(recorded, name), amiHeader(client, name));
    }
    // `Channel: PJSIP/agent1001` also shows up bare, as `DialString: agent1001`.
    const [recordedChannel, clientChannel] = [amiHeader(recorded, 'Channel'), amiHeader(client, 'Channel')];
    if (recordedChannel?.includes('/') && clientChannel?.includes('/')) {
      this.#learn(recordedChannel.replace(/^[^/]*\//, ''), clientChannel.replace(/^[^/]*\//, ''));
    }
    const clientVariables = variables(client);
    for (const [name, value] of variables(recorded)) this.#learn(value, clientVariables.get(name));

    const channelId = amiHeader(client, 'ChannelId');
    const originate = amiHeader(recorded, 'Action')?.toLowerCase() === 'originate';
    if (originate && channelId && !amiHeader(recorded, 'ChannelId')) {
      // Given a ChannelId, Asterisk makes it the agent leg's Uniqueid (and so both legs' Linkedid).
      const created = splitAmiMessages(answer)
        .messages.map(parseAmiMessage)
        .find((headers) => amiHeader(headers, 'Event') === 'Newchannel');
      this.#learn(created && amiHeader(created, 'Uniqueid'), channelId);
    }
  }

  #learn(recorded: string | undefined, client: string | undefined): void {
    // Comparing with the rewritten value keeps `PJSIP/agent7-0000000c`, sent back by a client that
    // only ever saw rewritten names, from adding a redundant entry.
    if (recorded && client && this.apply(recorded) !== client) this.set(recorded, client);
  }
}

/** `Variable: NAME=value` headers by NAME without the inheritance underscores (`__PRONTO_ATTEMPT_ID`). */
function variables(headers: Array<[string, string]>): Map<string, string> {
  const byName = new Map<string, string>();
  // Asterisk also accepts several comma-separated assignments in one Variable header.
  for (const assignment of amiHeaders(headers, 'Variable').flatMap((value) => value.split(','))) {
    const eq = assignment.indexOf('=');
    if (eq > 0) byName.set(assignment.slice(0, eq).trim().replace(/^_+/, ''), assignment.slice(eq + 1));
  }
  return byName;
}
