import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ListeningAdminHarness, listenAdminHarness } from '@pronto/console/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/pronto.mjs', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real `pronto`, in its own process, against the console's admin API on a real port. Each test
 * goes on from the state the one before left: a session of an administrator, step by step.
 */
describe('pronto', () => {
  let h: ListeningAdminHarness;
  let home: string;
  let work: string;

  // Asynchronous: the server answering the CLI runs in this very process.
  const pronto = (args: string[], env: Record<string, string> = {}) =>
    new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const file = async (name: string, text: string) => {
    const path = join(work, name);
    await writeFile(path, text);
    return path;
  };

  beforeAll(async () => {
    h = await listenAdminHarness();
    home = await mkdtemp(join(tmpdir(), 'pronto-cli-home-'));
    work = await mkdtemp(join(tmpdir(), 'pronto-cli-work-'));
  });
  afterAll(async () => {
    await h.close();
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('logs in with a key file and keeps the credentials for the user alone', async () => {
    const keyFile = await file('admin-key', JSON.stringify({ url: h.url, ...h.admin }));
    const login = await pronto(['login', '--key-file', keyFile]);
    expect(login.stderr).toBe('');
    expect(login.stdout).toContain(`Logged in to ${h.url} as an admin of the installation`);
    const saved = join(home, '.config', 'pronto', 'credentials.json');
    expect((await stat(saved)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.config', 'pronto'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(saved, 'utf8'))).toMatchObject({ url: h.url, keyId: h.admin.keyId });
    expect(login.stdout).not.toContain(h.admin.secret);

    const who = await pronto(['whoami']);
    expect(who.stdout).toContain(`admin of the installation (key:${h.admin.keyId})`);
  });

  it('creates a tenant', async () => {
    const created = await pronto(['tenant', 'create', 'initech', '--name', 'Initech']);
    expect(created).toMatchObject({ code: 0, stdout: 'Created tenant initech (Initech).\n' });
    const list = await pronto(['tenant', 'list']);
    expect(list.stdout).toMatch(/^initech\s+Initech\s+active/m);
  });

  it('creates, rotates and revokes a client key, showing each secret once', async () => {
    const created = await pronto(['key', 'create', '--tenant', 'initech', '--name', 'web shop']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('shown only now');
    const keyId = /key id\s+(\S+)/.exec(created.stdout)?.[1] ?? '';
    const secret = /secret\s+(\S+)/.exec(created.stdout)?.[1] ?? '';
    expect(keyId).toMatch(/^key_/);

    const rotated = await pronto(['key', 'rotate', keyId, '--tenant', 'initech', '--grace', '1h']);
    expect(rotated.code).toBe(0);
    const newSecret = /secret\s+(\S+)/.exec(rotated.stdout)?.[1];
    expect(newSecret).toBeTruthy();
    expect(newSecret).not.toBe(secret);
    expect(rotated.stdout).toMatch(/old secret stays valid until \d{4}-/);

    const revoked = await pronto(['key', 'revoke', keyId, '--tenant', 'initech']);
    expect(revoked.stdout).toContain(`Revoked key ${keyId}`);
    const list = await pronto(['key', 'list', '--tenant', 'initech', '--json']);
    expect(JSON.parse(list.stdout).items[0]).toMatchObject({ keyId, revokedAt: expect.any(String) });
    expect(list.stdout).not.toContain(secret);
    expect(list.stdout).not.toContain(newSecret);
  });

  it('applies a campaign file: the changes first, then nothing on a second run, and one audit row', async () => {
    const yaml = (sla: number) =>
      `tenant: acme\nslug: mortgage\nname: Mortgage callback\nslaSeconds: ${sla}\ntimeZone: Europe/Warsaw\n`;
    const path = await file('campaign.yaml', yaml(120));

    const dry = await pronto(['campaign', 'apply', '-f', path, '--dry-run']);
    expect(dry.stdout).toContain('Campaign acme/mortgage will be created');
    expect(dry.stdout).toContain('Dry run: nothing applied.');
    expect((await h.call('GET', '/v1/admin/tenants/acme/campaigns/mortgage')).statusCode).toBe(404);

    const first = await pronto(['campaign', 'apply', '-f', path]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created campaign acme/mortgage.');
    const second = await pronto(['campaign', 'apply', '-f', path]);
    expect(second.stdout).toBe('Campaign acme/mortgage: no changes.\n');
    const audit = await h.call('GET', '/v1/admin/audit?tenant=acme');
    const rows = audit.json().items.filter((row: { action: string }) => row.action.startsWith('campaign.'));
    expect(rows.map((row: { action: string }) => row.action)).toEqual(['campaign.create']);

    await writeFile(path, yaml(240));
    const change = await pronto(['campaign', 'apply', '-f', path, '--dry-run']);
    expect(change.stdout).toContain('slaSeconds: 120 → 240');
    const got = await pronto(['campaign', 'get', 'mortgage', '--tenant', 'acme']);
    expect(got.stdout).toContain('slaSeconds: 120');
    expect(got.stdout).toContain('tenant: acme');
  });

  it('names the refused field and exits 1', async () => {
    const path = await file(
      'bad.yaml',
      'tenant: acme\nslug: broken\nname: Broken\nslaSeconds: 0\ntimeZone: Europe/Warsaw\n',
    );
    const refused = await pronto(['campaign', 'apply', '-f', path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^.+: .+\n {2}slaSeconds: /);
    expect(refused.stdout).toBe('');
  });

  it('creates an agent in a group', async () => {
    expect((await pronto(['group', 'create', 'sales', '--tenant', 'acme'])).code).toBe(0);
    const created = await pronto([
      'agent',
      'create',
      'jan.kowalski',
      '--tenant',
      'acme',
      '--name',
      'Jan Kowalski',
      '--password',
      'correct horse',
      '--sip',
      'PJSIP/101',
      '--groups',
      'sales',
      '--languages',
      'pl,en',
    ]);
    expect(created).toMatchObject({ code: 0, stdout: 'Created agent jan.kowalski (Jan Kowalski).\n' });
    const list = await pronto(['agent', 'list', '--tenant', 'acme']);
    expect(list.stdout).toMatch(/^jan\.kowalski\s+Jan Kowalski\s+PJSIP\/101\s+sales\s+pl,en/m);
  });

  it("changes an agent's phone and groups, resets the password, disables and enables it", async () => {
    const agentOf = async () =>
      (await h.call('GET', '/v1/admin/tenants/acme/agents'))
        .json()
        .items.find((agent: { username: string }) => agent.username === 'jan.kowalski');
    const nothing = await pronto(['agent', 'update', 'jan.kowalski', '--tenant', 'acme']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('Nothing to change');
    const updated = await pronto([
      'agent',
      'update',
      'jan.kowalski',
      '--tenant',
      'acme',
      '--sip',
      'PJSIP/201',
    ]);
    expect(updated).toMatchObject({ code: 0 });
    expect(updated.stdout).toContain('phone PJSIP/201');
    expect(await agentOf()).toMatchObject({ sipEndpoint: 'PJSIP/201', groups: ['sales'] });
    const unknownGroup = await pronto([
      'agent',
      'update',
      'jan.kowalski',
      '--tenant',
      'acme',
      '--groups',
      'nope',
    ]);
    expect(unknownGroup.code).toBe(1);
    expect(unknownGroup.stderr).toContain('groups.0');

    const password = await pronto([
      'agent',
      'password',
      'jan.kowalski',
      '--tenant',
      'acme',
      '--password',
      'a new one!',
    ]);
    expect(password.code).toBe(0);
    expect(password.stdout).not.toContain('a new one!');
    expect((await pronto(['agent', 'disable', 'jan.kowalski', '--tenant', 'acme'])).code).toBe(0);
    expect(await agentOf()).toMatchObject({ disabled: true, state: 'offline' });
    expect((await pronto(['agent', 'enable', 'jan.kowalski', '--tenant', 'acme'])).code).toBe(0);
    expect(await agentOf()).toMatchObject({ disabled: false });
    const actions = (await h.call('GET', '/v1/admin/audit?resourceId=jan.kowalski')).json().items;
    expect(actions.map((row: { action: string }) => row.action)).toEqual(
      expect.arrayContaining(['agent.update', 'agent.password', 'agent.disable', 'agent.enable']),
    );
  });

  it('imports agents from a CSV file: none with a bad row, the good ones with --skip-invalid', async () => {
    const path = await file(
      'agents.csv',
      [
        'username,displayName,password,sipEndpoint,groups,languages',
        'anna.nowak,Anna Nowak,long enough,PJSIP/102,sales,pl;en',
        'piotr.zielinski,Piotr Zielinski,short,,sales,pl',
        'ewa.wojcik,Ewa Wojcik,long enough too,,,en',
      ].join('\n'),
    );
    const refused = await pronto(['agent', 'import', path, '--tenant', 'acme']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 3 \(piotr\.zielinski\):\n {2}password: /);
    expect(refused.stderr).not.toMatch(/line [24]/);
    expect(refused.stderr).toContain('nothing imported');
    const usernames = async () =>
      (await h.call('GET', '/v1/admin/tenants/acme/agents'))
        .json()
        .items.map((agent: { username: string }) => agent.username);
    expect(await usernames()).toEqual(['jan.kowalski']);

    const skipping = await pronto(['agent', 'import', path, '--tenant', 'acme', '--skip-invalid']);
    expect(skipping.code).toBe(0);
    expect(skipping.stderr).toContain('line 3');
    expect(skipping.stdout).toContain('Imported 2 agents; 1 invalid rows skipped.');
    expect((await usernames()).sort()).toEqual(['anna.nowak', 'ewa.wojcik', 'jan.kowalski']);
  });

  it('renames, disables and enables a tenant; creates, resets and disables a manager; issues and revokes an operator key; deletes a group', async () => {
    expect((await pronto(['tenant', 'rename', 'initech', '--name', 'Initech Ltd'])).code).toBe(0);
    expect((await pronto(['tenant', 'disable', 'initech'])).code).toBe(0);
    expect((await pronto(['tenant', 'list'])).stdout).toMatch(/^initech\s+Initech Ltd\s+disabled/m);
    expect((await pronto(['tenant', 'enable', 'initech'])).code).toBe(0);
    expect((await pronto(['tenant', 'list'])).stdout).toMatch(/^initech\s+Initech Ltd\s+active/m);

    const manager = ['--tenant', 'initech'];
    const created = await pronto(['manager', 'create', 'ida', ...manager, '--password', 'first pass 1']);
    expect(created).toMatchObject({ code: 0, stdout: 'Created manager ida.\n' });
    expect(
      (await pronto(['manager', 'password', 'ida', ...manager, '--password', 'second pass 2'])).code,
    ).toBe(0);
    expect((await pronto(['manager', 'disable', 'ida', ...manager])).code).toBe(0);
    expect((await pronto(['manager', 'list', ...manager])).stdout).toMatch(/^ida\s+\S*\s*disabled/m);

    const issued = await pronto(['operator-key', 'create', '--role', 'manager', '--tenant', 'initech']);
    expect(issued.code).toBe(0);
    const keyId = /key id\s+(\S+)/.exec(issued.stdout)?.[1] ?? '';
    const secret = /secret\s+(\S+)/.exec(issued.stdout)?.[1] ?? '';
    const asIt = { PRONTO_URL: h.url, PRONTO_KEY_ID: keyId, PRONTO_SECRET: secret };
    expect((await pronto(['whoami'], asIt)).stdout).toContain('initech');
    expect((await pronto(['operator-key', 'revoke', keyId])).code).toBe(0);
    const refused = await pronto(['whoami'], asIt);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The request is not signed correctly');

    expect((await pronto(['group', 'create', 'temp', '--tenant', 'acme'])).code).toBe(0);
    expect((await pronto(['group', 'delete', 'temp', '--tenant', 'acme'])).code).toBe(0);
    const inUse = await pronto(['group', 'delete', 'sales', '--tenant', 'acme']);
    expect(inUse.code).toBe(1);
    const actions = (await h.call('GET', '/v1/admin/audit?limit=500'))
      .json()
      .items.map((row: { action: string }) => row.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'tenant.update',
        'tenant.disable',
        'tenant.enable',
        'manager.create',
        'manager.password',
        'manager.disable',
        'operator_key.create',
        'operator_key.revoke',
        'group.delete',
      ]),
    );
  });

  it('prints the audit log as a table', async () => {
    const audit = await pronto(['audit', '--limit', '50']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/^AT\s+TENANT\s+ACTOR\s+ACTION\s+RESOURCE/);
    expect(audit.stdout).toMatch(new RegExp(`initech\\s+key:${h.admin.keyId}\\s+tenant\\.create`));
    expect(audit.stdout).toMatch(/acme\s+\S+\s+agent\.create\s+agent anna\.nowak/);
  });

  it("logs a manager in with flags, to PRONTO_CONFIG, and acts on the manager's own tenant", async () => {
    const config = { PRONTO_CONFIG: join(work, 'manager.json') };
    const { keyId, secret } = h.acme.key;
    const login = await pronto(['login', '--url', h.url, '--key-id', keyId, '--secret', secret], config);
    expect(login.stdout).toContain('as a manager of tenant acme');
    expect((await stat(config.PRONTO_CONFIG)).mode & 0o777).toBe(0o600);
    const agents = await pronto(['agent', 'list'], config);
    expect(agents.stdout).toMatch(/^anna\.nowak\s/m);
  });

  it('says which URL did not answer', async () => {
    const closed = await freePort();
    const refused = await pronto(['whoami'], { PRONTO_URL: `http://127.0.0.1:${closed}` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `Cannot reach Pronto at http://127.0.0.1:${closed}: connect ECONNREFUSED`,
    );
  });
});

/** A port nothing listens on: one the system just handed out and took back. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
