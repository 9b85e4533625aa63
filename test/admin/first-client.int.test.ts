import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestSocket } from '@pronto/agent-gateway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProntoProcess, repoRoot, startPronto } from '../support/pronto-process.ts';

const run = promisify(execFile);

/** The README's "Set up your first client" section: its shell blocks, in order, one command a line. */
async function readmeSteps(): Promise<{ setup: string[]; sendEvent: string }> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split('## Set up your first client')[1]?.split('\n## ')[0];
  if (!section) throw new Error('README has no "Set up your first client" section');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) =>
    (match[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean),
  );
  const [setup, send] = blocks;
  if (!setup || send?.length !== 1) throw new Error('README section changed shape: update this test');
  return { setup, sendEvent: send[0] as string };
}

let dataDir: string;
let home: string;
let pronto: ProntoProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-first-client-'));
  home = await mkdtemp(join(tmpdir(), 'pronto-first-client-home-'));
});
afterAll(async () => {
  await pronto?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

describe("the README's first client, from a fresh data folder", () => {
  it('sets up a tenant, key, campaign and two agents with the CLI, and a signed event for that campaign reaches one of them', async () => {
    // The embedded database even in CI's PostgreSQL pass, as `npm start` on a laptop: a tenant named
    // acme must be new, whatever other tests left in a shared database.
    pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: '' });
    const { setup, sendEvent } = await readmeSteps();
    // A newcomer's shell: no Pronto settings in the environment, a home of its own for the credentials.
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    for (const name of Object.keys(env)) if (name.startsWith('PRONTO_')) delete env[name];
    // Each line as the README gives it, run by a shell in the repository, `.pronto` being this test's folder.
    const shell = async (line: string) => {
      const command = line.replaceAll('.pronto/', `${dataDir}/`);
      try {
        return await run('bash', ['-c', command], { cwd: repoRoot, env, timeout: 60_000 });
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string };
        throw new Error(`README step failed: ${line}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
      }
    };

    let key: { keyId: string; secret: string } | undefined;
    for (const line of setup) {
      const { stdout } = await shell(line);
      if (line.includes('key create')) {
        const keyId = /key id\W+(\S+)/i.exec(stdout)?.[1];
        const secret = /(prs_[A-Za-z0-9_-]+)/.exec(stdout)?.[1];
        expect(keyId, stdout).toBeTruthy();
        expect(secret, stdout).toBeTruthy();
        key = { keyId: keyId as string, secret: secret as string };
      }
    }
    if (!key) throw new Error('the README creates no key');

    // Nothing but the README's commands set acme up: its agents exist, in the campaign's group.
    const { stdout: agents } = await shell('npx pronto agent list --tenant acme --json');
    const listed = (JSON.parse(agents) as { items: { username: string; groups: string[] }[] }).items;
    expect(listed.map((agent) => agent.username).sort()).toEqual(['alice', 'bruno']);

    // "Open /agent and sign in as alice": her desktop's session and socket.
    const signIn = await fetch(`${pronto.url}/agent/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: pronto.url },
      body: JSON.stringify({ username: 'alice', password: 'alice-secret-1' }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie()[0]?.split(';')[0] as string;
    const socket = await TestSocket.open(`${pronto.url.replace('http', 'ws')}/agent/ws`, cookie, pronto.url);
    try {
      await socket.next((message) => message.type === 'hello');

      await shell(
        sendEvent
          .replace('<key id>', key.keyId)
          .replace('<secret>', key.secret)
          .replace('npm run send-event --', `npm run --silent send-event -- --url ${pronto.url}`),
      );
      type Offer = {
        state: string;
        attempt: { stage: string; lead: { campaign: string; receivedAt: string; dueAt: string } } | null;
      };
      const offered = (await socket.next(
        (message) => message.type === 'update' && (message.update as Offer).attempt?.stage === 'offered',
      )) as unknown as { update: Offer };
      // Acme's campaign, as the README's file set it: its name, and a five-minute SLA.
      const lead = offered.update.attempt?.lead;
      expect(offered.update.state).toBe('offered');
      expect(lead?.campaign).toBe('Cash loan offer check');
      // The SLA runs from the event's occurredAt, a moment before it was received.
      const slaMs = Date.parse(lead?.dueAt ?? '') - Date.parse(lead?.receivedAt ?? '');
      expect(slaMs).toBeGreaterThan(290_000);
      expect(slaMs).toBeLessThanOrEqual(300_000);
    } finally {
      socket.terminate();
    }

    // The audit log holds the set-up, by the admin key, with no secret in it.
    const { stdout: audit } = await shell('npx pronto audit --tenant acme --json');
    const rows = (JSON.parse(audit) as { items: { action: string; actor: string }[] }).items;
    expect(rows.map((row) => row.action)).toEqual(
      expect.arrayContaining(['key.create', 'group.create', 'campaign.create', 'agent.create']),
    );
    expect(audit).not.toContain(key.secret);
    expect(audit).not.toContain('alice-secret-1');
  }, 300_000);
});
