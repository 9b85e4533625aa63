/**
 * What a benchmark must undo (temp folders, processes, scratch databases), newest first, whether
 * the run ends normally, throws or is interrupted (SIGINT/SIGTERM exit 130 after undoing).
 */
export function undoStack(log: (line: string) => void) {
  const undos: (() => Promise<unknown>)[] = [];
  async function undoAll() {
    while (undos.length > 0) {
      const undo = undos.pop();
      await undo?.().catch((error: unknown) => log(`cleanup failed: ${(error as Error).message}`));
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`\n${signal}: cleaning up`);
      void undoAll().finally(() => process.exit(130));
    });
  return { push: (undo: () => Promise<unknown>) => void undos.push(undo), undoAll };
}
