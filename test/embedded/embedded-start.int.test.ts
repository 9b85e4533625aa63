import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

const run = promisify(execFile);
let dataDir: string;
/** In the PostgreSQL pass, a database of this file's own: the demo it seeds is sealed with this data folder's key. */
let databaseUrl = '';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-embedded-'));
  if (process.env.DATABASE_URL) databaseUrl = await createScratchDatabase();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  if (databaseUrl) await dropScratchDatabase(databaseUrl);
});

/** docs/api.md's "Signing a request by hand" commands, pointed at this test's server and data folder. */
async function signingExample(url: string): Promise<string> {
  const doc = await readFile(join(repoRoot, 'docs', 'api.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### Signing a request by hand'));
  const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!script) throw new Error('docs/api.md has no signing example');
  return script
    .replaceAll('.pronto/demo-secret', join(dataDir, 'demo-secret'))
    .replaceAll('http://127.0.0.1:8080', url);
}

describe('npm start (embedded)', () => {
  let leadId: string;

  it('starts with the demo seeded, and the signing example of docs/api.md gets a 202', async () => {
    const pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: databaseUrl });
    try {
      const health = await fetch(`${pronto.url}/healthz`);
      expect(health.status).toBe(200);
      expect(pronto.output()).toContain('Demo secret');
      const { stdout } = await run('bash', ['-c', await signingExample(pronto.url)]);
      const answer = JSON.parse(stdout);
      expect(answer).toMatchObject({ status: 'accepted', leadId: expect.any(String) });
      leadId = answer.leadId;

      // Scoring runs behind the 202: the lead is queued with its factors and SLA moments later
      // (the time it takes is measured by npm run bench, not here).
      const secret = (await readFile(join(dataDir, 'demo-secret'), 'utf8')).trim();
      const deadline = Date.now() + 10_000;
      let lead = await signedFetch(pronto.url, { keyId: 'demo-key', secret }, 'GET', `/v1/leads/${leadId}`);
      while ((lead.json as { status: string }).status === 'received' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        lead = await signedFetch(pronto.url, { keyId: 'demo-key', secret }, 'GET', `/v1/leads/${leadId}`);
      }
      expect(lead.json).toMatchObject({
        status: 'queued',
        score: expect.any(Number),
        scoreFactors: expect.arrayContaining([expect.objectContaining({ factor: 'eligibility' })]),
        sla: { anchorAt: expect.any(String), dueAt: expect.any(String) },
      });

      const second = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: databaseUrl }).catch(
        (error: Error) => error,
      );
      expect(second).toBeInstanceOf(Error);
      expect((second as Error).message).toMatch(/another Pronto \(pid \d+\) is using the data folder/);
    } finally {
      expect(await pronto.stop()).toBe(0);
    }
  });

  it('keeps the lead and the generated secret across a restart', async () => {
    const secret = (await readFile(join(dataDir, 'demo-secret'), 'utf8')).trim();
    const pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: databaseUrl });
    try {
      expect(pronto.output()).toContain(secret);
      const lead = await signedFetch(pronto.url, { keyId: 'demo-key', secret }, 'GET', `/v1/leads/${leadId}`);
      expect(lead).toMatchObject({
        status: 200,
        json: {
          id: leadId,
          campaign: 'cash-loan',
          status: 'queued',
          history: [{ type: 'received' }, { type: 'scored' }, { type: 'queued' }],
        },
      });

      // The demo manager printed at start signs in at /manager, and the session reads the same
      // SLA report as the signed API.
      const password = (await readFile(join(dataDir, 'demo-agent-password'), 'utf8')).trim();
      expect(pronto.output()).toContain(`manager / ${password}`);
      const signIn = await fetch(`${pronto.url}/manager/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'manager', password }),
      });
      expect(signIn.status).toBe(200);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
      expect((await fetch(`${pronto.url}/manager`, { headers: { cookie } })).status).toBe(200);
      const period = `/v1/reports/sla?from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 10 * 86_400_000).toISOString()}`;
      const bySession = (await (
        await fetch(`${pronto.url}${period}`, { headers: { cookie } })
      ).json()) as Record<string, unknown>;
      const signed = (await signedFetch(pronto.url, { keyId: 'demo-key', secret }, 'GET', period))
        .json as Record<string, unknown>;
      expect({ ...bySession, generatedAt: null }).toEqual({ ...signed, generatedAt: null });
      expect(signed).toMatchObject({ eligible: 1, open: 1 });
    } finally {
      await pronto.stop();
    }
  });

  it('refuses a wrong configuration at start, naming the variable', async () => {
    const error = await startPronto({
      PRONTO_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PORT: 'eighty',
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/exited with 1[\s\S]*PORT must be integer/);
  });
});
