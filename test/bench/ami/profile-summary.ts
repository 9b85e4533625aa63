// Where the full-path window's CPU time went (--profile), from a V8 CPU profile.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function's self time goes, by the file it is in. */
function partOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (url.includes('asterisk-manager')) return 'asterisk-manager (reader, emits)';
  if (url.includes('call-tracker') || url.includes('decide-outcome')) return 'CallTracker';
  if (url.includes('ami-connection')) return 'connectAmi adapter';
  // The entry point and its modules in ./ami/ (the full path's event handler, Outcomes.record).
  if (url.includes('/bench/ami')) return 'bench handler';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)') return 'idle (waiting for bytes)';
  if (functionName === '(program)') return 'V8/Node native (program)';
  if (url.includes('task_queues') || url.includes('process/')) return 'node: process.nextTick queue';
  if (url.startsWith('node:events') || url.includes('/events')) return 'node: EventEmitter.emit';
  if (url.includes('stream') || url.includes('net') || url.includes('string_decoder'))
    return 'node: socket, streams, decoding';
  if (functionName === '' && url === '') return 'V8 builtins (split, concat, shift, ...)';
  return url.startsWith('node:') ? 'node: other' : `other: ${functionName || '(anonymous)'}`;
}

/** Prints the self time by part, then the `top` functions, as Markdown tables. */
export function summarizeProfile(profile: Profile, top: number, log: (line?: string) => void): void {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byNode.get(id) as ProfileNode).callFrame;
    add(parts, partOf(frame), us);
    const file = frame.url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\//, '');
    add(
      functions,
      `${frame.functionName || '(anonymous)'} ${file}${file ? `:${frame.lineNumber + 1}` : ''}`,
      us,
    );
  }
  const print = (title: string, map: Map<string, number>, limit: number) => {
    log(`\n| ${title} | self ms | share |`);
    log('|---|---:|---:|');
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit))
      log(`| ${key} | ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)} % |`);
  };
  print('full path, by part', parts, 20);
  print('full path, top functions', functions, top);
}
