import { signatureHeaders } from '@pronto/signature';
import { createLogger } from '@pronto/telemetry';
import { seededRandom } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hostileEventText,
  ODD_PHONES,
  oddBodies,
  oddString,
  pick,
  withInvalidUtf8,
} from './testing/hostile-requests.ts';
import { exampleEvent, type Harness, phoneFor, startHarness } from './testing/ingest-harness.ts';

// Bounded and seeded: the same few thousand hostile requests on every run (FUZZ_SEED to try others).
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const ROUNDS = 2_400;
const AT_ONCE = 16;

interface Sent {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body: Buffer;
  contentType?: string;
  label: string;
}

let h: Harness;
/** What intake logged at warn and above: a bad event that reached the group commit shows here. */
const logged: string[] = [];
beforeAll(async () => {
  const logger = createLogger({
    name: 'ingest-fuzz',
    level: 'warn',
    destination: { write: (line: string) => logged.push(line) },
  });
  h = await startHarness({ deps: { logger } });
});
afterAll(async () => h.close());

let phones = 0;
const validEvent = () =>
  exampleEvent({ person: { ...exampleEvent().person, phone: phoneFor(500_000 + ++phones) } }) as never;

/** The next request: mostly events and batches, some do-not-call, lead and raw-body requests. */
function nextRequest(random: () => number, round: number): Sent {
  const roll = random();
  const json = (path: string, text: string, label: string, method: Sent['method'] = 'POST'): Sent => ({
    method,
    path,
    body: Buffer.from(text, 'utf8'),
    contentType: 'application/json',
    label,
  });
  if (roll < 0.45) {
    const [text, label] = hostileEventText(random, validEvent);
    return json('/v1/events', text, label);
  }
  if (roll < 0.7) {
    const size = pick(random, [1, 2, 3, 5, 8]);
    const items = Array.from({ length: size }, () => hostileEventText(random, validEvent));
    const shape = random();
    if (shape < 0.85)
      return json('/v1/events:batch', `{"events":[${items.map(([text]) => text).join(',')}]}`, 'batch');
    return json(
      '/v1/events:batch',
      pick(random, [
        '{"events":[]}',
        `{"events":[${'{},'.repeat(500)}{}]}`,
        '{"events":"x"}',
        '{"events":null}',
        '{}',
        `{"events":[${items[0]?.[0]}],"extra":1}`,
        `{"events":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
        `{"__proto__":{"events":[]},"events":[${items[0]?.[0]}]}`,
      ]),
      'batch shape',
    );
  }
  if (roll < 0.8) {
    const phone = random() < 0.5 ? pick(random, ODD_PHONES) : `+48 601 ${String(round).padStart(6, '0')}`;
    const path = `/v1/dnc/${encodeURIComponent(phone)}`;
    const which = random();
    if (which < 0.5) {
      const reason = random() < 0.7 ? oddString(random) : 'r'.repeat(600);
      const locale = pick(random, ['pl-PL', 'xx', 'pl-PL\u0000', '\ud800', 'en-US']);
      return json(path, JSON.stringify({ reason, locale }), 'dnc put', 'PUT');
    }
    const query = random() < 0.5 ? '' : `?locale=${pick(random, ['pl-PL', '%00', '%ED%A0%80', 'x'])}`;
    return {
      method: which < 0.75 ? 'GET' : 'DELETE',
      path: path + query,
      body: Buffer.alloc(0),
      label: 'dnc',
    };
  }
  if (roll < 0.85) {
    const csv = `phone,reason\n+48 601 ${String(round).padStart(6, '0')},${oddString(random)}\n${pick(random, ODD_PHONES)},x\n`;
    const body =
      random() < 0.3 ? withInvalidUtf8(random, csv.replace('phone', 'Jan,phone')) : Buffer.from(csv);
    return { method: 'POST', path: '/v1/dnc:import', body, contentType: 'text/csv', label: 'dnc import' };
  }
  if (roll < 0.9) {
    const id = pick(random, [
      '00000000-0000-0000-0000-000000000000',
      'x',
      '%00',
      '%F0%9F%98%80',
      'a'.repeat(300),
    ]);
    return { method: 'GET', path: `/v1/leads/${id}`, body: Buffer.alloc(0), label: 'lead' };
  }
  if (roll < 0.95) {
    const [text] = hostileEventText(random, validEvent);
    return { ...json('/v1/events', '', 'invalid utf-8'), body: withInvalidUtf8(random, text) };
  }
  return json(pick(random, ['/v1/events', '/v1/events:batch']), pick(random, oddBodies), 'odd body');
}

async function send(request: Sent) {
  const headers = signatureHeaders(h.keyId, h.secret, {
    timestamp: Math.floor(h.clock.ms / 1000),
    method: request.method,
    pathWithQuery: request.path,
    body: request.body,
  });
  return h.app.inject({
    method: request.method,
    url: request.path,
    headers: { ...headers, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
    ...(request.body.length > 0 ? { payload: request.body } : {}),
  });
}

interface ProblemBody {
  type?: string;
  status?: number;
  errors?: { field?: unknown; pointer?: unknown; detail?: unknown }[];
}

/** Why this answer breaks the contract, or undefined. */
function broken(status: number, contentType: string, body: string): string | undefined {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return undefined;
  if (!contentType.startsWith('application/problem+json')) return `${status} as ${contentType}`;
  const problem = JSON.parse(body) as ProblemBody;
  if (problem.status !== status || typeof problem.type !== 'string') return 'not a problem document';
  return status === 400 ? unnamed(problem) : undefined;
}

function unnamed(problem: ProblemBody): string | undefined {
  const errors = problem.errors ?? [];
  if (errors.length === 0) return '400 naming no field';
  if (errors.some((error) => typeof error.field !== 'string' || typeof error.detail !== 'string'))
    return '400 with an error that names no field';
  return undefined;
}

describe('intake under a few thousand hostile requests (seeded fuzz)', () => {
  it('never answers 5xx, names the field of every 400, loses nothing it accepted, and stays up', async () => {
    const random = seededRandom(SEED);
    const failures: string[] = [];
    const counts = new Map<number, number>();
    let accepted = 0;
    for (let round = 0; round < ROUNDS; round += AT_ONCE) {
      const batch = Array.from({ length: AT_ONCE }, (_, i) => nextRequest(random, round + i));
      const answers = await Promise.all(batch.map(send));
      answers.forEach((answer, i) => {
        const request = batch[i] as Sent;
        counts.set(answer.statusCode, (counts.get(answer.statusCode) ?? 0) + 1);
        const why = broken(answer.statusCode, String(answer.headers['content-type'] ?? ''), answer.body);
        const where = `${request.method} ${request.path.slice(0, 60)} (${request.label})`;
        if (why) failures.push(`${where}: ${why}: ${answer.body.slice(0, 300)}`);
        if (request.path === '/v1/events' && answer.statusCode === 202) accepted += 1;
        if (request.path === '/v1/events:batch' && answer.statusCode === 200) {
          for (const item of answer.json().results as { status: number; problem?: ProblemBody }[]) {
            if (item.status === 202) accepted += 1;
            if (item.status >= 500) failures.push(`${where}: item answered ${item.status}`);
            if (item.status === 400 && item.problem && unnamed(item.problem))
              failures.push(`${where}: item ${unnamed(item.problem)}`);
          }
        }
      });
      if (failures.length > 20) break;
    }
    expect(failures).toEqual([]);
    // Every refusal came before the transaction: no group commit failed and was redone event by event.
    expect(
      logged.filter((line) => /retrying its events one by one|could not be stored|unhandled/.test(line)),
    ).toEqual([]);
    // Every kind of answer was met, so the mutations reached past the signature and the schema.
    expect(counts.get(202)).toBeGreaterThan(100);
    expect(counts.get(400)).toBeGreaterThan(500);
    const stored = await h.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM intent_event');
    expect(stored[0]?.n).toBe(accepted);
    const health = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    process.stdout.write(
      `fuzz seed ${SEED}: ${ROUNDS} requests, answers ${JSON.stringify(Object.fromEntries(counts))}\n`,
    );
  }, 120_000);
});
