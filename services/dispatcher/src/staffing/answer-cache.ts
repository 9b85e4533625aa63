/**
 * Answers kept for a while by their inputs: a manager's what-if is asked again as the form is
 * changed back and forth, and a simulated day costs far more than reading it again. Bounded, oldest
 * out first; a failed computation is not kept.
 */
export function createAnswerCache<T>(ttlMs: number, maxEntries = 256) {
  const entries = new Map<string, { at: number; answer: Promise<T> }>();
  return {
    get(key: string, nowMs: number, compute: () => Promise<T>): Promise<T> {
      const kept = entries.get(key);
      if (kept && nowMs - kept.at < ttlMs && nowMs >= kept.at) return kept.answer;
      const answer = compute();
      if (ttlMs <= 0) return answer;
      entries.delete(key);
      entries.set(key, { at: nowMs, answer });
      answer.catch(() => entries.delete(key));
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return answer;
    },
  };
}
