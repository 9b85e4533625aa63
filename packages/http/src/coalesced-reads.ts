/**
 * Reads by id that share one query: a read asked for while another is in flight waits for it to
 * end and goes into the next query, with every other id asked for meanwhile. So under load there
 * is about one query per round trip instead of one per request, and a read still never answers
 * from a query that started before it was asked for: what was committed before `read(id)` was
 * called (a key's revocation, say) is seen.
 */
export function coalescedReads<V>(
  readMany: (ids: readonly string[]) => Promise<ReadonlyMap<string, V>>,
): (id: string) => Promise<V | null> {
  type Waiter = { resolve: (value: V | null) => void; reject: (error: unknown) => void };
  let waiting = new Map<string, Waiter[]>();
  let reading = false;

  const readWaiting = async () => {
    reading = true;
    while (waiting.size > 0) {
      const batch = waiting;
      waiting = new Map();
      try {
        const found = await readMany([...batch.keys()]);
        for (const [id, waiters] of batch)
          for (const waiter of waiters) waiter.resolve(found.get(id) ?? null);
      } catch (error) {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      }
    }
    reading = false;
  };

  return (id) =>
    new Promise<V | null>((resolve, reject) => {
      const waiters = waiting.get(id);
      if (waiters) waiters.push({ resolve, reject });
      else waiting.set(id, [{ resolve, reject }]);
      if (!reading) void readWaiting();
    });
}
