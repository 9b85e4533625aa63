import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { undoStack } from '../undo-stack.ts';

/**
 * Forks stream-server.ts on the given stream files (one per connection, in order) and waits for its
 * port. Resolved from this module's own URL, so it does not matter where the bench is run from. The
 * child is stopped by the undo stack.
 */
export async function startStreamServer(
  files: string[],
  cleanups: ReturnType<typeof undoStack>,
): Promise<{ server: ChildProcess; url: string }> {
  const server = fork(fileURLToPath(new URL('./stream-server.ts', import.meta.url)), files, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.push(async () => {
    if (server.exitCode === null) {
      server.kill();
      await once(server, 'exit');
    }
  });
  const [ready] = (await once(server, 'message')) as [{ port: number }];
  return { server, url: `ami://bench:bench@127.0.0.1:${ready.port}` };
}
