/**
 * The sleep between two rounds of a polling loop, which a wake-up ends early: the outbox relay's loop and
 * the dispatcher's loop poll now and then, and are woken as soon as there is work.
 */
export class LoopSleep {
  #wakeUp: (() => void) | undefined;

  /** Sleeps `ms`, or until wakeUp(); at once when `skip` (work arrived while the loop was deciding to sleep). */
  async sleep(ms: number, skip = false): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
      if (skip) this.#wakeUp();
    });
    this.#wakeUp = undefined;
  }

  /** Ends the sleep in progress, if there is one. */
  wakeUp(): void {
    this.#wakeUp?.();
  }
}
