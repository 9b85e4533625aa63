import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestSocket } from '@pronto/agent-gateway/testing';
import { expect, it } from 'vitest';
import { repoRoot } from '../support/service-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

/**
 * The compose stack of docs/deployment.md, started the way an operator starts it: the base images
 * (local stand-ins where no registry answers), the Pronto image from infra/docker/Dockerfile, then
 * `compose up` of infra/compose/compose.yaml. A client is set up through nginx with the admin
 * command line, an agent signs in over the WebSocket through nginx and takes the offer, and a signed
 * event becomes a contacted lead. The stack is always taken down with its volumes.
 *
 * It runs in CI's PostgreSQL pass (DATABASE_URL set), once; it uses the stack's own PostgreSQL.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const TOTAL_MS = 30 * 60_000;
const MINUTE = 60_000;

/** `docker compose` (v2) where the plugin exists, else Debian's `docker-compose` (1.29). */
function findCompose(): { command: string[] } | { missing: string } {
  const works = (file: string, args: string[]) => {
    try {
      execFileSync(file, args, { stdio: 'ignore', timeout: 30_000 });
      return true;
    } catch {
      return false;
    }
  };
  if (!works('docker', ['info'])) return { missing: 'docker does not answer (docker info failed)' };
  if (works('docker', ['compose', 'version'])) return { command: ['docker', 'compose'] };
  if (works('docker-compose', ['version'])) return { command: ['docker-compose'] };
  return { missing: 'neither `docker compose` nor `docker-compose` is installed' };
}

const started = Date.now();
const progress = (step: string) =>
  console.log(`[compose] ${step} (${Math.round((Date.now() - started) / 1000)} s)`);

/** Runs a command to its end; its output is returned, or thrown with the command when it fails. */
function run(
  file: string,
  args: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv; showStderr?: boolean },
) {
  return new Promise<string>((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: repoRoot,
        env: options.env ?? process.env,
        timeout: options.timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) {
          if (options.showStderr && stderr.trim()) console.log(stderr.trim());
          return resolve(stdout);
        }
        const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        reject(new Error(`${[file, ...args].join(' ')} failed (${error.message.split('\n')[0]}):\n${tail}`));
      },
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function poll<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last: ${String(last)})` : ''}`);
}

it('runs in the PostgreSQL pass, with docker and compose (required when CI=true)', (context) => {
  if (!onPostgres) context.skip('the compose run is part of the PostgreSQL pass (DATABASE_URL unset)');
  const compose = findCompose();
  if (!('missing' in compose)) return;
  if (process.env.CI !== 'true') context.skip(`${compose.missing}: the compose stack is not started`);
  throw new Error(`${compose.missing}: CI starts the compose stack (see .ci/run's Docker step)`);
});

it.runIf(onPostgres)(
  'the compose stack takes a signed event through nginx to a contacted lead',
  async (context) => {
    const compose = findCompose();
    if ('missing' in compose) context.skip(compose.missing);
    const composeCommand = (compose as { command: string[] }).command;

    const dir = await mkdtemp(join(tmpdir(), 'pronto-compose-'));
    const project = `pronto-ci-${randomUUID().slice(0, 8)}`;
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const masterKey = randomBytes(32).toString('base64');
    const envFile = join(dir, '.env');
    await writeFile(
      envFile,
      [
        `PRONTO_MASTER_KEY=${masterKey}`,
        `POSTGRES_PASSWORD=${randomBytes(12).toString('hex')}`,
        `PRONTO_PUBLIC_ORIGINS=${origin}`,
        `PRONTO_HTTP_PORT=${port}`,
        'PRONTO_HTTP_BIND=127.0.0.1',
        'PRONTO_VERSION=dev',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const [composeFile, ...composeArgs] = composeCommand as [string, ...string[]];
    const stack = (args: string[], timeoutMs: number) =>
      run(
        composeFile,
        [...composeArgs, '-p', project, '-f', 'infra/compose/compose.yaml', '--env-file', envFile, ...args],
        { timeoutMs },
      );

    let up = false;
    try {
      progress('base images: present, pulled, or built as local stand-ins');
      await run('infra/docker/standins/build-standins.sh', [], { timeoutMs: 15 * MINUTE, showStderr: true });
      progress('the Pronto image: docker build -f infra/docker/Dockerfile -t pronto:dev .');
      await run('docker', ['build', '-q', '-f', 'infra/docker/Dockerfile', '-t', 'pronto:dev', '.'], {
        timeoutMs: 15 * MINUTE,
      });
      const size = await run('docker', ['image', 'inspect', 'pronto:dev', '--format', '{{.Size}}'], {
        timeoutMs: MINUTE,
      });
      progress(`pronto:dev is ${Math.round(Number(size) / 1e6)} MB; compose up (project ${project})`);
      up = true;
      // nginx waits for every service to be healthy, so `up -d` returns once the stack is ready.
      await stack(['up', '-d'], 12 * MINUTE);
      progress('compose up returned: every service healthy');

      // Through the one origin: ingest's documents, the desktop, the dashboard.
      for (const path of ['/openapi.json', '/agent', '/manager']) {
        const status = await poll(`GET ${path} through nginx`, MINUTE, async () => {
          const response = await fetch(`${origin}${path}`);
          return response.status === 200 ? response.status : undefined;
        });
        expect(status, path).toBe(200);
      }
      expect((await fetch(`${origin}/metrics`)).status).toBe(404);

      // The first admin key, issued inside the stack as docs/deployment.md says.
      const bootstrap = await stack(
        ['run', '--rm', '--no-deps', '-T', 'console', 'pronto', 'bootstrap-admin', '--url', origin],
        5 * MINUTE,
      );
      const adminKeyId = /key id\s+(\S+)/.exec(bootstrap)?.[1];
      const adminSecret = /secret\s+(\S+)/.exec(bootstrap)?.[1];
      expect(adminKeyId, bootstrap).toBeTruthy();
      expect(adminSecret, bootstrap).toBeTruthy();
      progress('admin key issued; setting up a client with npx pronto through nginx');

      const cliEnv: NodeJS.ProcessEnv = {
        ...process.env,
        PRONTO_URL: origin,
        PRONTO_KEY_ID: adminKeyId,
        PRONTO_SECRET: adminSecret,
        PRONTO_CONFIG: join(dir, 'credentials.json'),
      };
      const pronto = (args: string[]) =>
        run(process.execPath, ['packages/cli/bin/pronto.mjs', ...args], {
          timeoutMs: 2 * MINUTE,
          env: cliEnv,
        });
      const tenant = 'composeco';
      await pronto(['tenant', 'create', tenant, '--name', 'Compose Co']);
      const created = await pronto(['key', 'create', '--tenant', tenant, '--name', 'website']);
      const key = {
        keyId: /key id\s+(\S+)/.exec(created)?.[1] as string,
        secret: /secret\s+(\S+)/.exec(created)?.[1] as string,
      };
      expect(key.keyId, created).toBeTruthy();
      await pronto(['group', 'create', 'loans', '--tenant', tenant]);
      // Every hour callable, and a dialer profile whose every call is answered at once.
      const campaignFile = join(dir, 'campaign.yaml');
      await writeFile(
        campaignFile,
        [
          `tenant: ${tenant}`,
          'slug: cash-loan',
          'name: Compose check',
          'slaSeconds: 300',
          'slaClock: calendar',
          'timeZone: Europe/Warsaw',
          'callingWindows:',
          '  - { days: [1, 2, 3, 4, 5, 6, 7], from: "00:00", to: "24:00" }',
          'holidays: []',
          'offerTimeoutSeconds: 120',
          'callerId: "+48221234567"',
          'agentGroups: [loans]',
          'dialerProfile:',
          '  rates: { answered: 1, no_answer: 0, busy: 0, voicemail: 0, failed: 0 }',
          '  agentRingMs: [100, 200]',
          '  personRingMs: [100, 200]',
          '  postDialDelayMs: 0',
          '  machineDetectionMs: 0',
          '  talkMs: [600000, 600000]',
          '',
        ].join('\n'),
      );
      await pronto(['campaign', 'apply', '-f', campaignFile]);
      const password = `pw-${randomBytes(9).toString('base64url')}`;
      await pronto([
        'agent',
        'create',
        'carla',
        '--tenant',
        tenant,
        '--name',
        'Carla Compose',
        '--password',
        password,
        '--groups',
        'loans',
      ]);

      // The agent's desktop: sign-in and socket through nginx, from the public origin.
      const signIn = await fetch(`${origin}/agent/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ username: 'carla', password }),
      });
      expect(signIn.status, await signIn.clone().text()).toBe(200);
      const cookie = signIn.headers.getSetCookie()[0]?.split(';')[0] as string;
      const socket = await TestSocket.open(`${origin.replace('http', 'ws')}/agent/ws`, cookie, origin);
      try {
        await socket.next((message) => message.type === 'hello');
        progress('agent signed in over the WebSocket through nginx; sending a signed event');

        const sent = await run(
          'npm',
          [
            'run',
            '--silent',
            'send-event',
            '--',
            '--url',
            origin,
            '--key-id',
            key.keyId,
            '--secret',
            key.secret,
            '--campaign',
            'cash-loan',
            '--phone',
            '+48 601 234 568',
          ],
          { timeoutMs: 2 * MINUTE },
        );
        expect(sent).toMatch(/^202 /);
        const leadId = /GET \/v1\/leads\/(\S+)/.exec(sent)?.[1] as string;
        expect(leadId, sent).toBeTruthy();

        type Update = { attempt: { attemptId: string; stage: string; lead: { leadId: string } } | null };
        const offered = await poll('the offer on the desktop', 3 * MINUTE, async () => {
          const message = socket.messages.find(
            (m) => m.type === 'update' && (m.update as Update).attempt?.stage === 'offered',
          );
          return message ? (message.update as Update) : undefined;
        });
        expect(offered.attempt?.lead.leadId).toBe(leadId);
        socket.send({ type: 'accept', attemptId: offered.attempt?.attemptId, ref: 'compose-accept' });
        progress('offer accepted; waiting for the lead to be contacted');

        const lead = await poll('the lead contacted', 3 * MINUTE, async () => {
          const read = await signedFetch(origin, key, 'GET', `/v1/leads/${leadId}`);
          const view = read.json as { status?: string };
          return read.status === 200 && view.status === 'contacted' ? view : undefined;
        });
        expect(lead.status).toBe('contacted');
        progress('the lead is contacted');
      } finally {
        socket.terminate();
      }
    } catch (error) {
      if (up) {
        const logs = await stack(['logs', '--no-color', '--tail=30'], 2 * MINUTE).catch(String);
        console.log(`[compose] the stack's last log lines:\n${logs}`);
      }
      throw error;
    } finally {
      if (up) {
        progress('compose down -v');
        await stack(['down', '-v', '--remove-orphans'], 5 * MINUTE).catch((error) =>
          console.log(`[compose] down failed: ${String(error)}`),
        );
      }
      await rm(dir, { recursive: true, force: true });
      progress('done');
    }
  },
  TOTAL_MS,
);
