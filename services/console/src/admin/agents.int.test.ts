import { AGENT_ROLE, createSessions, type Sessions } from '@pronto/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from '../testing/admin-harness.ts';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field);

describe('the admin API: agents', () => {
  let h: AdminHarness;
  let sessions: Sessions;
  const tick = () => {
    h.clock.ms += 1_000;
  };
  const auditOf = (username: string) =>
    h.db.sql.query<{ action: string; before: unknown; after: unknown }>(
      `SELECT action, before, after FROM audit_log WHERE resource_type = 'agent' AND resource_id = $1 ORDER BY id`,
      [username],
    );

  beforeAll(async () => {
    h = await startAdminHarness();
    sessions = createSessions({ role: AGENT_ROLE, sql: h.db.sql, now: () => new Date(h.clock.ms) });
    for (const group of ['sales', 'backup'])
      await h.call('PUT', `/v1/admin/tenants/acme/groups/${group}`, {});
    await h.call('PUT', '/v1/admin/tenants/globex/groups/claims', {});
  });
  afterAll(async () => h?.close());

  it('creates an agent who can sign in, offline, with no password in the answer or the audit log', async () => {
    const created = await h.call(
      'POST',
      '/v1/admin/tenants/acme/agents',
      {
        username: 'anna.nowak',
        displayName: 'Anna Nowak',
        password: 'correct horse',
        sipEndpoint: 'PJSIP/agent-7',
        groups: ['sales'],
        languages: ['pl', 'en'],
      },
      { key: h.acme.key },
    );
    expect(created.statusCode).toBe(201);
    const anna = {
      username: 'anna.nowak',
      displayName: 'Anna Nowak',
      sipEndpoint: 'PJSIP/agent-7',
      groups: ['sales'],
      languages: ['pl', 'en'],
      disabled: false,
      state: 'offline',
    };
    expect(created.json()).toEqual(anna);
    expect((await h.call('GET', '/v1/admin/tenants/acme/agents')).json()).toEqual({ items: [anna] });
    expect(await sessions.signIn('anna.nowak', 'correct horse')).toBeDefined();
    const audit = await auditOf('anna.nowak');
    expect(audit).toEqual([{ action: 'agent.create', before: null, after: anna }]);
    expect(JSON.stringify(audit)).not.toMatch(/scrypt|correct horse/);

    const taken = await h.call('POST', '/v1/admin/tenants/globex/agents', {
      username: 'anna.nowak',
      displayName: 'Another Anna',
      password: 'long enough',
    });
    expect(taken.statusCode).toBe(409);
    expect(fieldsOf(taken.json())).toEqual(['username']);
    const bad = await h.call('POST', '/v1/admin/tenants/acme/agents', {
      username: 'X',
      displayName: 'Bad',
      password: 'short',
      groups: ['sales', 'nobody'],
      languages: ['polish'],
    });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json())).toEqual(['username', 'password', 'languages.0']);
    const unknownGroup = await h.call('POST', '/v1/admin/tenants/acme/agents', {
      username: 'piotr',
      displayName: 'Piotr',
      password: 'long enough',
      groups: ['sales', 'claims'],
    });
    expect(fieldsOf(unknownGroup.json())).toEqual(['groups.1']);
    expect(unknownGroup.json().errors[0].detail).toMatch(/"claims" is not an agent group/);
  });

  it('disabling an agent ends its sessions and takes it offline; enabling lets it sign in again', async () => {
    const signedIn = await sessions.signIn('anna.nowak', 'correct horse');
    if (!signedIn) throw new Error('no session');
    // Signed in and waiting for work for a minute, as the dispatcher records it.
    const availableSince = h.clock.ms;
    await h.db.sql.query(
      `UPDATE agent SET state = 'available', state_since = $1 WHERE username = 'anna.nowak'`,
      [new Date(availableSince).toISOString()],
    );
    h.clock.ms += 60_000;
    const disabled = await h.call(
      'PATCH',
      '/v1/admin/tenants/acme/agents/anna.nowak',
      { disabled: true },
      {
        key: h.acme.key,
      },
    );
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ disabled: true, state: 'offline' });
    expect(await sessions.find(signedIn.token)).toBeUndefined();
    expect(await sessions.signIn('anna.nowak', 'correct horse')).toBeUndefined();
    const [sessionRows] = await h.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agent_session s JOIN agent a ON a.id = s.agent_id WHERE a.username = 'anna.nowak'`,
    );
    expect(sessionRows?.n).toBe(0);
    // Reporting's state spans close the available span at the disable.
    const spans = await h.db.sql.query<{ state: string; started_at: Date; ended_at: Date }>(
      `SELECT s.state, s.started_at, s.ended_at FROM agent_state_span s JOIN agent a ON a.id = s.agent_id
        WHERE a.username = 'anna.nowak' ORDER BY s.id`,
    );
    expect(spans.at(-1)).toMatchObject({ state: 'available' });
    expect(new Date(spans.at(-1)?.started_at as Date).getTime()).toBe(availableSince);
    expect(new Date(spans.at(-1)?.ended_at as Date).getTime()).toBe(h.clock.ms);

    tick();
    const changed = await h.call('PATCH', '/v1/admin/tenants/acme/agents/anna.nowak', {
      disabled: false,
      displayName: 'Anna N.',
      groups: ['sales', 'backup'],
    });
    expect(changed.json()).toMatchObject({ disabled: false, state: 'offline', displayName: 'Anna N.' });
    expect(await sessions.signIn('anna.nowak', 'correct horse')).toBeDefined();
    const badPatch = await h.call('PATCH', '/v1/admin/tenants/acme/agents/anna.nowak', {
      groups: ['nobody'],
    });
    expect(fieldsOf(badPatch.json())).toEqual(['groups.0']);
    expect((await auditOf('anna.nowak')).map((row) => row.action)).toEqual([
      'agent.create',
      'agent.disable',
      'agent.enable',
    ]);
  });

  it('a password reset ends the sessions; only the new password signs in; no secret in the audit log', async () => {
    const before = await sessions.signIn('anna.nowak', 'correct horse');
    if (!before) throw new Error('no session');
    const reset = await h.call('POST', '/v1/admin/tenants/acme/agents/anna.nowak/password', {
      password: 'battery staple',
    });
    expect(reset.statusCode).toBe(204);
    expect(await sessions.find(before.token)).toBeUndefined();
    expect(await sessions.signIn('anna.nowak', 'correct horse')).toBeUndefined();
    expect(await sessions.signIn('anna.nowak', 'battery staple')).toBeDefined();
    const short = await h.call('POST', '/v1/admin/tenants/acme/agents/anna.nowak/password', {
      password: 'x',
    });
    expect(fieldsOf(short.json())).toEqual(['password']);
    const audit = await auditOf('anna.nowak');
    expect(audit.at(-1)?.action).toBe('agent.password');
    expect(JSON.stringify(audit)).not.toMatch(/battery|scrypt/);
  });

  it('refuses display names a terminal or a page would run or disguise, wherever they come in', async () => {
    for (const name of ['\u001b[2J\u001b[31mroot', 'line\nbreak', 'rtl\u202egnp.exe', '   ']) {
      tick();
      const created = await h.call('POST', '/v1/admin/tenants/acme/agents', {
        username: 'hostile',
        displayName: name,
        password: 'long enough',
      });
      expect(fieldsOf(created.json())).toEqual(['displayName']);
      const patched = await h.call('PATCH', '/v1/admin/tenants/acme/agents/anna.nowak', {
        displayName: name,
      });
      expect(fieldsOf(patched.json())).toEqual(['displayName']);
      const imported = await h.call('POST', '/v1/admin/tenants/acme/agents/import', {
        agents: [{ username: 'hostile', displayName: name, password: 'long enough' }],
      });
      expect(fieldsOf(imported.json())).toEqual(['agents.0.displayName']);
      const group = await h.call('PUT', '/v1/admin/tenants/acme/groups/sales', { displayName: name });
      expect(fieldsOf(group.json())).toEqual(['displayName']);
      const campaign = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/hostile', {
        name,
        timeZone: 'Europe/Warsaw',
      });
      expect(fieldsOf(campaign.json())).toEqual(['name']);
    }
    expect((await h.call('GET', '/v1/admin/tenants/acme/agents')).json().items[0].displayName).toBe(
      'Anna N.',
    );
  });

  it("hides one tenant's agents from another tenant's manager (404, read and write)", async () => {
    const globex = { key: h.globex.key };
    expect((await h.call('GET', '/v1/admin/tenants/acme/agents', undefined, globex)).statusCode).toBe(404);
    const patch = await h.call(
      'PATCH',
      '/v1/admin/tenants/acme/agents/anna.nowak',
      { disabled: true },
      globex,
    );
    expect(patch.statusCode).toBe(404);
    expect(
      (await h.call('PATCH', '/v1/admin/tenants/globex/agents/anna.nowak', { disabled: true }, globex))
        .statusCode,
    ).toBe(404);
    const password = await h.call(
      'POST',
      '/v1/admin/tenants/acme/agents/anna.nowak/password',
      { password: 'long enough' },
      globex,
    );
    expect(password.statusCode).toBe(404);
    const create = await h.call(
      'POST',
      '/v1/admin/tenants/acme/agents',
      { username: 'spy', displayName: 'Spy', password: 'long enough' },
      globex,
    );
    expect(create.statusCode).toBe(404);
    const imported = await h.call(
      'POST',
      '/v1/admin/tenants/acme/agents/import',
      { agents: [{ username: 'spy', displayName: 'Spy', password: 'long enough' }] },
      globex,
    );
    expect(imported.statusCode).toBe(404);
    expect((await h.call('GET', '/v1/admin/tenants/acme/agents')).json().items[0].disabled).toBe(false);
  });

  it('an import with a bad row creates nothing and names agents.<i>.<field>; skipInvalid creates the good rows', async () => {
    const rows = [
      { username: 'ola', displayName: 'Ola', password: 'password one', groups: ['sales'] },
      { username: 'jan', displayName: 'Jan', password: 'short', groups: ['sales'] },
      { username: 'anna.nowak', displayName: 'Anna again', password: 'password two' },
      { username: 'ewa', displayName: 'Ewa', password: 'password three', groups: ['claims'] },
      { username: 'ola', displayName: 'Ola twice', password: 'password four' },
      { username: 'kasia', displayName: 'Kasia', password: 'password five', languages: ['pl'] },
    ];
    const refused = await h.call('POST', '/v1/admin/tenants/acme/agents/import', { agents: rows });
    expect(refused.statusCode).toBe(400);
    expect(fieldsOf(refused.json())).toEqual([
      'agents.1.password',
      'agents.2.username',
      'agents.3.groups.0',
      'agents.4.username',
    ]);
    const names = async () =>
      ((await h.call('GET', '/v1/admin/tenants/acme/agents')).json().items as { username: string }[]).map(
        (agent) => agent.username,
      );
    expect(await names()).toEqual(['anna.nowak']);

    tick();
    const dry = await h.call('POST', '/v1/admin/tenants/acme/agents/import', {
      agents: rows,
      skipInvalid: true,
      dryRun: true,
    });
    expect(dry.json()).toMatchObject({ created: 2, applied: false });
    expect(await names()).toEqual(['anna.nowak']);

    const imported = await h.call(
      'POST',
      '/v1/admin/tenants/acme/agents/import',
      { agents: rows, skipInvalid: true },
      { key: h.acme.key },
    );
    expect(imported.statusCode).toBe(200);
    const answer = imported.json();
    expect(answer).toMatchObject({ created: 2, applied: true });
    expect(
      answer.skipped.map((row: { index: number; username: string }) => [row.index, row.username]),
    ).toEqual([
      [1, 'jan'],
      [2, 'anna.nowak'],
      [3, 'ewa'],
      [4, 'ola'],
    ]);
    expect(answer.skipped[0].errors[0]).toMatchObject({ field: 'agents.1.password' });
    expect(await names()).toEqual(['anna.nowak', 'kasia', 'ola']);
    expect(await sessions.signIn('kasia', 'password five')).toBeDefined();
    const audit = await h.db.sql.query<{ resource_id: string; after: unknown }>(
      `SELECT resource_id, after FROM audit_log WHERE action = 'agent.create' AND resource_id IN ('ola', 'kasia') ORDER BY id`,
    );
    expect(audit.map((row) => row.resource_id)).toEqual(['ola', 'kasia']);
    expect(JSON.stringify(audit)).not.toMatch(/password|scrypt/);
  });
});
