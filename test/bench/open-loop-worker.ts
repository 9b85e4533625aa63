// Runs in a worker thread: sends signed events at a fixed rate, so the client's CPU (signing, HTTP)
// is on another core than the pipeline it measures, as a client server would be.
import { Agent } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { postEvent } from './load.ts';

const { url, rate, warmupMs, durationMs } = workerData as {
  url: string;
  rate: number;
  warmupMs: number;
  durationMs: number;
};
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const accepted: string[] = [];
let rejected = 0;
const start = performance.now();
const total = Math.round(((warmupMs + durationMs) / 1000) * rate);
const sends: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, Math.floor(wait)));
  const counted = due - start >= warmupMs;
  sends.push(
    postEvent(new URL(url), agent, (body) => {
      const leadId = (JSON.parse(body || '{}') as { leadId?: string }).leadId;
      if (counted && leadId) accepted.push(leadId);
    }).then((status) => {
      if (status !== 202) rejected += 1;
    }),
  );
}
await Promise.all(sends);
agent.destroy();
parentPort?.postMessage({ accepted, rejected });
