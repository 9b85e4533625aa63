import type { BusyHourStream } from './busy-hour.ts';

/** Chunks for (c) and (d): a socket with setEncoding hands asterisk-manager strings of up to 64 KiB. */
const READ_CHUNK = 1 << 16;

/** The stream as a socket with setEncoding hands it over: strings of up to 64 KiB. */
export function readChunks(stream: BusyHourStream): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < stream.bytes.length; at += READ_CHUNK)
    chunks.push(stream.bytes.toString('latin1', at, at + READ_CHUNK));
  return chunks;
}
