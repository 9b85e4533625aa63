/// <reference path="../../../services/dialer/src/asterisk/asterisk-manager.d.ts" />
import { EventEmitter } from 'node:events';
import net from 'node:net';
import Manager from 'asterisk-manager';
import type { AmiMessage } from '../../../services/dialer/src/asterisk/ami-connection.ts';
import type { BusyHourStream } from './busy-hour.ts';
import { type Measured, measure } from './measure.ts';
import { readChunks } from './read-chunks.ts';

/**
 * (c) asterisk-manager's reader alone: its socket replaced by a stand-in that hands it the stream in
 * 64 KiB strings, one per turn of the event loop (as socket reads come), so its per-event
 * process.nextTick emits run as they would. Returns the event objects it emitted, for (b).
 */
export async function parserOnly(stream: BusyHourStream): Promise<Measured & { captured: AmiMessage[] }> {
  const chunks = readChunks(stream);
  const socket = Object.assign(new EventEmitter(), {
    readyState: 'open',
    setKeepAlive() {},
    setNoDelay() {},
    setEncoding() {},
    write: () => true,
    end() {},
  });
  const createConnection = net.createConnection;
  net.createConnection = (() => socket) as unknown as typeof net.createConnection;
  const manager = Manager(undefined, '127.0.0.1', 'bench', 'bench', true);
  try {
    manager.connect(0, '127.0.0.1');
  } finally {
    net.createConnection = createConnection;
  }
  const captured: AmiMessage[] = [];
  manager.on('managerevent', (event: AmiMessage) => {
    captured.push(event);
  });
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const done = measure();
  for (const chunk of chunks) {
    socket.emit('data', chunk);
    await turn();
  }
  const window = done();
  manager.removeAllListeners('managerevent');
  return { events: captured.length, ...window, captured };
}
