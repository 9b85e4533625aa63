// Child process of ami-bench.ts (started by start-stream-server.ts, never imported): the AMI server
// runs in a process of its own so that its writes do not use the measured process's CPU.
// Usage: stream-server.ts warm.ami main.ami; it sends its port to the parent over IPC once listening.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import {
  amiHeader,
  parseAmiMessage,
  splitAmiMessages,
} from '../../../packages/testing/src/ami-transcript.ts';
import { BANNER, WRITE_SLICE } from './wire.ts';

/**
 * One stream per connection, in order (the last repeats). Answers Login, then on Ping writes the
 * stream as fast as the socket takes it; Logoff ends the connection.
 */
function serve(files: string[]): void {
  const streams = files.map((file) => readFileSync(file));
  let connections = 0;
  const server = net.createServer((socket) => {
    const stream = streams[Math.min(connections++, streams.length - 1)] as Buffer;
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.write(BANNER);
    let input = '';
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      const { messages, rest } = splitAmiMessages(input + data);
      input = rest;
      for (const message of messages) {
        const headers = parseAmiMessage(message);
        const action = amiHeader(headers, 'Action')?.toLowerCase();
        const id = amiHeader(headers, 'ActionID');
        const answer = (text: string) => `Response: ${text}${id === undefined ? '' : `\r\nActionID: ${id}`}`;
        if (action === 'login')
          socket.write(`${answer('Success')}\r\nMessage: Authentication accepted\r\n\r\n`);
        else if (action === 'logoff')
          socket.end(`${answer('Goodbye')}\r\nMessage: Thanks for all the fish.\r\n\r\n`);
        else if (action === 'ping') {
          socket.write(
            `${answer('Success')}\r\nPing: Pong\r\nTimestamp: ${(Date.now() / 1000).toFixed(6)}\r\n\r\n`,
          );
          let offset = 0;
          const more = () => {
            while (offset < stream.length) {
              const end = Math.min(offset + WRITE_SLICE, stream.length);
              const room = socket.write(stream.subarray(offset, end));
              offset = end;
              if (!room) {
                socket.once('drain', more);
                return;
              }
            }
          };
          more();
        } else socket.write(`${answer('Error')}\r\nMessage: Invalid/unknown command\r\n\r\n`);
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  process.on('disconnect', () => process.exit(0));
}

serve(process.argv.slice(2));
