import { ProblemError } from '@pronto/http';

/**
 * One staffing computation at a time per process, a few more waiting their turn, and a 503 beyond
 * that: each costs about a second of CPU, so a burst of what-ifs (or a hostile client) must not
 * take the process's thread from the events and the agents it also serves.
 */
export function createComputeGate(maxWaiting: number) {
  let running: Promise<unknown> = Promise.resolve();
  /** The answer being computed and those waiting for it. */
  let inGate = 0;
  return {
    run<T>(compute: () => Promise<T>): Promise<T> {
      if (inGate > maxWaiting)
        throw new ProblemError(
          'staffing-busy',
          `${inGate} staffing answers are being computed or waiting; ask again in a few seconds`,
          undefined,
          { 'retry-after': '5' },
        );
      inGate += 1;
      const turn = running.then(
        () => compute(),
        () => compute(),
      );
      const settled = turn.finally(() => {
        inGate -= 1;
      });
      running = settled.catch(() => {});
      return settled;
    },
  };
}
