import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from '../testing/admin-harness.ts';

const CASH_LOAN = {
  name: 'Cash loan',
  slaSeconds: 180,
  timeZone: 'Europe/Warsaw',
  callingWindows: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '20:00' }],
  agentGroups: ['sales'],
};

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field);

describe('the admin API: campaigns', () => {
  let h: AdminHarness;
  const auditRows = async (resourceId: string) =>
    h.db.sql.query<{ action: string; actor: string; before: unknown; after: unknown }>(
      `SELECT action, actor, before, after FROM audit_log WHERE resource_type = 'campaign' AND resource_id = $1 ORDER BY id`,
      [resourceId],
    );

  beforeAll(async () => {
    h = await startAdminHarness();
    for (const group of ['sales', 'backup'])
      expect((await h.call('PUT', `/v1/admin/tenants/acme/groups/${group}`, {})).statusCode).toBe(201);
  });
  afterAll(async () => h?.close());

  it('creates a campaign with every default filled in, and a second identical PUT changes and records nothing', async () => {
    const first = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/cash-loan', CASH_LOAN, {
      key: h.acme.key,
    });
    expect(first.statusCode).toBe(201);
    const answer = first.json();
    expect(answer).toMatchObject({ created: true, applied: true });
    expect(answer.campaign).toEqual({
      slug: 'cash-loan',
      ...CASH_LOAN,
      slaClock: 'business_hours',
      holidays: [],
      retryPolicy: {
        shortDelaysSeconds: [60, 120],
        cadenceSeconds: [900, 3_600, 14_400, 86_400],
        maxAttempts: 6,
        maxAttemptsPer24h: 4,
      },
      offerTimeoutSeconds: 20,
      overflowThresholdSeconds: 120,
      scoringWeights: {},
      callerId: null,
      dialerProfile: {},
      createdAt: new Date(h.clock.ms).toISOString(),
    });
    expect(answer.changes.map((change: { field: string }) => change.field)).toContain('slaSeconds');

    // A new signature (a second later): the same signed request twice would be a replay.
    h.clock.ms += 1_000;
    const again = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/cash-loan', CASH_LOAN, {
      key: h.acme.key,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, applied: true, changes: [] });
    expect(again.json().campaign).toEqual(answer.campaign);
    const rows = await auditRows('cash-loan');
    expect(rows.map((row) => row.action)).toEqual(['campaign.create']);
    expect(rows[0]?.actor).toBe(`key:${h.acme.key.keyId}`);

    const read = await h.call('GET', '/v1/admin/tenants/acme/campaigns/cash-loan', undefined, {
      key: h.acme.key,
    });
    expect(read.json()).toEqual(answer.campaign);
    const list = await h.call('GET', '/v1/admin/tenants/acme/campaigns');
    expect(list.json().items.map((c: { slug: string }) => c.slug)).toEqual(['cash-loan']);
  });

  it('a dry run shows the changes and writes nothing; the real PUT then applies them with one audit row', async () => {
    const wanted = {
      ...CASH_LOAN,
      slaSeconds: 120,
      scoringWeights: { amountPoints: 20, eligibility: { approved: 30 } },
      agentGroups: ['sales', 'backup'],
      callerId: '+48221234567',
    };
    const dry = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/cash-loan?dryRun=true', wanted);
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({
      created: false,
      applied: false,
      changes: [
        { field: 'slaSeconds', before: 180, after: 120 },
        { field: 'scoringWeights', before: {}, after: { amountPoints: 20, eligibility: { approved: 30 } } },
        { field: 'callerId', before: null, after: '+48221234567' },
        { field: 'agentGroups', before: ['sales'], after: ['sales', 'backup'] },
      ],
    });
    expect((await h.call('GET', '/v1/admin/tenants/acme/campaigns/cash-loan')).json().slaSeconds).toBe(180);
    expect(await auditRows('cash-loan')).toHaveLength(1);
    const newDry = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/car-loan?dryRun=true', wanted);
    expect(newDry.json()).toMatchObject({ created: true, applied: false });
    expect((await h.call('GET', '/v1/admin/tenants/acme/campaigns/car-loan')).statusCode).toBe(404);

    const applied = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/cash-loan', wanted);
    expect(applied.json()).toMatchObject({ applied: true, changes: dry.json().changes });
    expect(applied.json().campaign.slaSeconds).toBe(120);
    const rows = await auditRows('cash-loan');
    expect(rows.map((row) => row.action)).toEqual(['campaign.create', 'campaign.update']);
    expect(rows[1]).toMatchObject({ before: { slaSeconds: 180 }, after: { slaSeconds: 120 } });
    // The stored row is what the dispatcher reads: snake_case columns.
    const [row] = await h.db.sql.query<{ sla_seconds: number; agent_groups: string[]; caller_id: string }>(
      `SELECT sla_seconds, agent_groups, caller_id FROM campaign WHERE slug = 'cash-loan'`,
    );
    expect(row).toEqual({ sla_seconds: 120, agent_groups: ['sales', 'backup'], caller_id: '+48221234567' });
  });

  it('names every bad field with a sentence, and stores nothing', async () => {
    const bad = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/bad-one', {
      name: 'Bad',
      slaSeconds: 0,
      timeZone: 'Europe/Atlantis',
      callingWindows: [
        { days: [1], from: '08:00', to: '21:00' },
        { days: [6], from: '18:00', to: '09:00' },
      ],
      holidays: ['2026-12-25', '2026-02-30'],
      agentGroups: ['sales', 'nobody'],
      callerId: '600 100 200',
      scoringWeights: { amountPoints: 20, foo: 3 },
      offerTimeoutSeconds: 2,
      retryPolicy: { maxAttempts: 0 },
      dialerProfile: { rates: { answered: 2 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const body = bad.json();
    expect(body.type).toBe('/problems/validation-error');
    expect(fieldsOf(body).sort()).toEqual(
      [
        'slaSeconds',
        'timeZone',
        'callingWindows.1.to',
        'holidays.1',
        'retryPolicy.maxAttempts',
        'offerTimeoutSeconds',
        'scoringWeights.foo',
        'callerId',
        'dialerProfile',
        'agentGroups.1',
      ].sort(),
    );
    const detail = (field: string) => body.errors.find((e: { field: string }) => e.field === field)?.detail;
    expect(detail('callingWindows.1.to')).toMatch(/end after it starts \(18:00\)/);
    expect(detail('timeZone')).toMatch(/Europe\/Atlantis/);
    expect(detail('agentGroups.1')).toMatch(/"nobody" is not an agent group/);
    expect((await h.call('GET', '/v1/admin/tenants/acme/campaigns/bad-one')).statusCode).toBe(404);

    const missing = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/bad-one', {});
    expect(fieldsOf(missing.json()).sort()).toEqual(['name', 'timeZone']);
    const unknownField = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/bad-one', {
      ...CASH_LOAN,
      sla: 3,
    });
    expect(fieldsOf(unknownField.json())).toEqual(['sla']);
    const badSlug = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/Bad_Slug', CASH_LOAN);
    expect(fieldsOf(badSlug.json())).toEqual(['campaign']);
  });

  it("hides one tenant's campaigns from another tenant's manager (404, read and write)", async () => {
    const globex = { key: h.globex.key };
    expect((await h.call('GET', '/v1/admin/tenants/acme/campaigns', undefined, globex)).statusCode).toBe(404);
    expect(
      (await h.call('GET', '/v1/admin/tenants/acme/campaigns/cash-loan', undefined, globex)).statusCode,
    ).toBe(404);
    const write = await h.call('PUT', '/v1/admin/tenants/acme/campaigns/cash-loan', CASH_LOAN, globex);
    expect(write.statusCode).toBe(404);
    expect(write.json().type).toBe('/problems/not-found');
    expect((await h.call('GET', '/v1/admin/tenants/acme/campaigns/cash-loan')).json().slaSeconds).toBe(120);
  });
});

describe('the admin API: agent groups', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness();
  });
  afterAll(async () => h?.close());

  it('creates, renames, lists with their users, and deletes only a group nothing names', async () => {
    const created = await h.call(
      'PUT',
      '/v1/admin/tenants/acme/groups/sales',
      { displayName: 'Sales' },
      {
        key: h.acme.key,
      },
    );
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ name: 'sales', displayName: 'Sales' });
    const renamed = await h.call('PUT', '/v1/admin/tenants/acme/groups/sales', { displayName: 'Sales team' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toEqual({ name: 'sales', displayName: 'Sales team' });
    h.clock.ms += 1_000;
    expect(
      (await h.call('PUT', '/v1/admin/tenants/acme/groups/sales', { displayName: 'Sales team' })).statusCode,
    ).toBe(200);
    expect((await h.call('PUT', '/v1/admin/tenants/acme/groups/Bad_Name', {})).json().errors[0].field).toBe(
      'group',
    );

    await h.call('PUT', '/v1/admin/tenants/acme/campaigns/cash-loan', {
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
      agentGroups: ['sales'],
    });
    await h.call('POST', '/v1/admin/tenants/acme/agents', {
      username: 'anna.nowak',
      displayName: 'Anna Nowak',
      password: 'correct horse',
      groups: ['sales'],
    });
    const list = await h.call('GET', '/v1/admin/tenants/acme/groups', undefined, { key: h.acme.key });
    expect(list.json()).toEqual({
      items: [{ name: 'sales', displayName: 'Sales team', agents: 1, campaigns: ['cash-loan'] }],
    });
    const refused = await h.call('DELETE', '/v1/admin/tenants/acme/groups/sales');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/campaign cash-loan, agent anna.nowak/);

    expect(
      (await h.call('GET', '/v1/admin/tenants/acme/groups', undefined, { key: h.globex.key })).statusCode,
    ).toBe(404);
    expect(
      (await h.call('PUT', '/v1/admin/tenants/acme/groups/x1', {}, { key: h.globex.key })).statusCode,
    ).toBe(404);
    expect(
      (await h.call('DELETE', '/v1/admin/tenants/acme/groups/sales', undefined, { key: h.globex.key }))
        .statusCode,
    ).toBe(404);

    // No body at all: every field of a group is optional.
    expect((await h.call('PUT', '/v1/admin/tenants/acme/groups/spare')).json()).toEqual({
      name: 'spare',
      displayName: 'spare',
    });
    expect((await h.call('DELETE', '/v1/admin/tenants/acme/groups/spare')).statusCode).toBe(204);
    h.clock.ms += 1_000;
    expect((await h.call('DELETE', '/v1/admin/tenants/acme/groups/spare')).statusCode).toBe(404);
    const actions = await h.db.sql.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE resource_type = 'group' ORDER BY id`,
    );
    expect(actions.map((row) => row.action)).toEqual([
      'group.create',
      'group.update',
      'group.create',
      'group.delete',
    ]);
  });
});
