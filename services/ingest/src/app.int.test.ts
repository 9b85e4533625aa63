import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleEvent, type Harness, phoneFor, startHarness } from './testing/ingest-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const count = async (table: string, where = 'true', params: unknown[] = []) =>
  Number(
    (await h.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0]
      ?.n,
  );

describe('POST /v1/events', () => {
  it('answers 202 only with the event, its lead, history and outbox message stored', async () => {
    const event = exampleEvent({ person: { phone: phoneFor(1), locale: 'pl-PL' } });
    const response = await h.send('POST', '/v1/events', event);
    expect(response.statusCode).toBe(202);
    const answer = response.json();
    expect(answer).toEqual({ eventId: event.eventId, leadId: expect.any(String), status: 'accepted' });
    expect(response.headers.location).toBe(`/v1/leads/${answer.leadId}`);
    const [stored] = await h.db.sql.query<{ raw_body: string; lead_id: string }>(
      'SELECT raw_body, lead_id FROM intent_event WHERE event_id = $1',
      [event.eventId],
    );
    expect(stored).toEqual({ raw_body: JSON.stringify(event), lead_id: answer.leadId });
    const [lead] = await h.db.sql.query<{ phone_e164: string; status: string }>(
      'SELECT phone_e164, status FROM lead WHERE id = $1',
      [answer.leadId],
    );
    expect(lead).toEqual({ phone_e164: '+48600000001', status: 'received' });
    const [outbox] = await h.db.sql.query<{
      topic: string;
      message: { type: string; payload: { leadId: string } };
    }>("SELECT topic, message FROM outbox WHERE message->'payload'->>'leadId' = $1", [answer.leadId]);
    expect(outbox?.topic).toBe('intents');
    expect(outbox?.message.type).toBe('intent.received');
  });

  it('answers a replay of the same eventId and body with 200 and the first answer, storing nothing new', async () => {
    const event = exampleEvent({ person: { phone: phoneFor(2) } });
    const first = await h.send('POST', '/v1/events', event);
    const outboxBefore = await count('outbox');
    // Same content, other key order and spacing: still the same event.
    const { person, ...rest } = event;
    const again = await h.send('POST', '/v1/events', undefined, {
      rawBody: JSON.stringify({ person, ...rest }, null, 2),
    });
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await count('outbox')).toBe(outboxBefore);
  });

  it('answers 409 when an eventId comes back with a different body', async () => {
    const event = exampleEvent({ person: { phone: phoneFor(3) } });
    expect((await h.send('POST', '/v1/events', event)).statusCode).toBe(202);
    const response = await h.send('POST', '/v1/events', { ...event, type: 'application_started' });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 409, type: '/problems/event-id-conflict' });
  });

  it('merges a repeat intent of the same person into the open lead', async () => {
    const first = await h.send('POST', '/v1/events', exampleEvent({ person: { phone: phoneFor(4) } }));
    const second = await h.send('POST', '/v1/events', exampleEvent({ person: { phone: '+48600000004' } }));
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ leadId: first.json().leadId, status: 'merged' });
    const [lead] = await h.db.sql.query<{ intent_count: number }>(
      'SELECT intent_count FROM lead WHERE id = $1',
      [first.json().leadId],
    );
    expect(lead?.intent_count).toBe(2);
  });

  it('keeps an event without consent as a suppressed lead that is never merged into', async () => {
    const response = await h.send(
      'POST',
      '/v1/events',
      exampleEvent({ person: { phone: phoneFor(5) }, consent: { phoneContact: false } }),
    );
    expect(response.statusCode).toBe(202);
    expect(response.json().status).toBe('suppressed');
    const lead = await h.send('GET', `/v1/leads/${response.json().leadId}`);
    expect(lead.json()).toMatchObject({ status: 'suppressed', suppression: { reason: 'no_consent' } });
    const next = await h.send('POST', '/v1/events', exampleEvent({ person: { phone: phoneFor(5) } }));
    expect(next.json().status).toBe('accepted');
  });

  it('answers 400 naming every bad field, and stores nothing', async () => {
    const before = await count('intent_event');
    const response = await h.send('POST', '/v1/events', {
      ...exampleEvent(),
      occurredAt: 'soon',
      person: { phone: '+48 601', timeZone: 'Mars/Olympus' },
      consent: {},
    });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .errors.map((error: { field: string }) => error.field)
        .sort(),
    ).toEqual(['consent.phoneContact', 'occurredAt']);
    const second = await h.send(
      'POST',
      '/v1/events',
      exampleEvent({ campaign: 'mortgage', person: { phone: '+48 601', timeZone: 'Mars/Olympus' } }),
    );
    expect(second.statusCode).toBe(400);
    expect(
      second
        .json()
        .errors.map((error: { field: string }) => error.field)
        .sort(),
    ).toEqual(['campaign', 'person.phone', 'person.timeZone']);
    expect(await count('intent_event')).toBe(before);
  });

  it('normalises a national number with the locale to E.164', async () => {
    const response = await h.send(
      'POST',
      '/v1/events',
      exampleEvent({ person: { phone: '601 000 006', locale: 'pl-PL' } }),
    );
    expect(response.statusCode).toBe(202);
    const [lead] = await h.db.sql.query<{ phone_e164: string }>('SELECT phone_e164 FROM lead WHERE id = $1', [
      response.json().leadId,
    ]);
    expect(lead?.phone_e164).toBe('+48601000006');
  });

  it('answers 400 for a body that is not JSON, after checking the signature', async () => {
    const response = await h.send('POST', '/v1/events', undefined, { rawBody: '{"eventId":' });
    expect(response.statusCode).toBe(400);
    expect(response.json().type).toBe('/problems/invalid-json');
  });

  it('answers 413 for a body over 256 KB', async () => {
    const response = await h.send(
      'POST',
      '/v1/events',
      exampleEvent({ context: { note: 'x'.repeat(300 * 1024) } }),
    );
    expect(response.statusCode).toBe(413);
    expect(response.json().type).toBe('/problems/payload-too-large');
  });

  it('answers 415 for a body that is not JSON by content type', async () => {
    const response = await h.send('POST', '/v1/events', undefined, {
      rawBody: 'a=b',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(415);
  });
});

describe('signatures', () => {
  const post = (options: Parameters<Harness['send']>[3]) =>
    h.send('POST', '/v1/events', exampleEvent({ person: { phone: phoneFor(100) } }), options);

  it('accepts a timestamp 299 s off either way and refuses 301 s', async () => {
    expect((await post({ timestampSkew: -299 })).statusCode).toBe(202);
    expect((await post({ timestampSkew: 299 })).statusCode).toBe(202);
    const late = await post({ timestampSkew: -301 });
    expect(late.statusCode).toBe(401);
    expect(late.json().detail).toMatch(/301 s behind/);
    expect((await post({ timestampSkew: 301 })).statusCode).toBe(401);
  });

  it('refuses an unknown key, a wrong secret, a missing header', async () => {
    expect((await post({ keyId: 'nobody' })).statusCode).toBe(401);
    expect((await post({ secret: 'guess' })).statusCode).toBe(401);
    const unsigned = await h.app.inject({ method: 'POST', url: '/v1/events', payload: exampleEvent() });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().detail).toMatch(/Pronto-Key-Id/);
  });

  it('refuses a signature made for another path (the batch endpoint)', async () => {
    expect((await post({ signPath: '/v1/events:batch' })).statusCode).toBe(401);
  });

  it('refuses a tampered body', async () => {
    const event = exampleEvent({ person: { phone: phoneFor(101) } });
    const { signatureHeaders } = await import('@pronto/signature');
    const body = JSON.stringify(event);
    const timestamp = Math.floor(h.clock.ms / 1000);
    const headers = signatureHeaders(h.keyId, h.secret, {
      timestamp,
      method: 'POST',
      pathWithQuery: '/v1/events',
      body,
    });
    const tampered = body.replace('20000', '90000');
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: tampered,
    });
    expect(response.statusCode).toBe(401);
    expect(await count('intent_event', 'event_id = $1', [event.eventId])).toBe(0);
  });

  it('accepts both secrets of a rotated key until the old one expires', async () => {
    const { rotateApiKey } = await import('@pronto/tenancy');
    const rotated = await rotateApiKey(h.db.prisma, h.box, {
      keyId: 'acme-key',
      now: new Date(h.clock.ms),
      graceSeconds: 3600,
    });
    h.clock.ms += 31_000; // past the key cache's lifetime
    expect((await post({ secret: rotated.secret })).statusCode).toBe(202);
    expect((await post({ secret: h.secret })).statusCode).toBe(202);
    h.clock.ms += 3600_000;
    expect((await post({ secret: h.secret })).statusCode).toBe(401);
    expect((await post({ secret: rotated.secret })).statusCode).toBe(202);
    h.secret = rotated.secret;
  });
});

describe('POST /v1/events:batch', () => {
  it('answers each item as a single POST would: stored, replayed, invalid, conflicting', async () => {
    const stored = exampleEvent({ person: { phone: phoneFor(200) } });
    await h.send('POST', '/v1/events', stored);
    const fresh = exampleEvent({ person: { phone: phoneFor(201) } });
    const repeat = exampleEvent({ person: { phone: phoneFor(201) } });
    const response = await h.send('POST', '/v1/events:batch', {
      events: [
        fresh,
        { ...exampleEvent(), person: { phone: 'abc' } },
        stored,
        { ...stored, type: 'other' },
        repeat,
        fresh,
        42,
      ],
    });
    expect(response.statusCode).toBe(200);
    const { accepted, rejected, results } = response.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([202, 400, 200, 409, 202, 200, 400]);
    expect(results[1].problem.errors[0].field).toBe('person.phone');
    expect(results[4]).toMatchObject({ result: 'merged', leadId: results[0].leadId });
    expect(results[5]).toMatchObject({ result: 'accepted', leadId: results[0].leadId });
    expect(results[6]).toMatchObject({ eventId: null, problem: { status: 400 } });
    expect({ accepted, rejected }).toEqual({ accepted: 4, rejected: 3 });
    expect(await count('outbox', "message->'payload'->>'leadId' = $1", [results[0].leadId])).toBe(2);
  });

  it('refuses more than 500 items as a whole, naming the field', async () => {
    const response = await h.send('POST', '/v1/events:batch', {
      events: Array.from({ length: 501 }, () => exampleEvent()),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toBe('events');
  });
});

describe('concurrency', () => {
  it('stores 50 identical concurrent requests once: one 202, 49 replays, one lead, one outbox row', async () => {
    const event = exampleEvent({ person: { phone: phoneFor(300) } });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => h.send('POST', '/v1/events', event)),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 202)).toHaveLength(1);
    expect(codes.filter((c) => c === 200)).toHaveLength(49);
    expect(new Set(responses.map((r) => r.json().leadId)).size).toBe(1);
    expect(await count('lead', 'phone_e164 = $1', ['+48600000300'])).toBe(1);
    expect(await count('intent_event', 'event_id = $1', [event.eventId])).toBe(1);
    expect(await count('outbox', "message->'payload'->'event'->>'eventId' = $1", [event.eventId])).toBe(1);
  });

  it('opens one lead for 20 different events of one person sent at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.send('POST', '/v1/events', exampleEvent({ person: { phone: phoneFor(301) } })),
      ),
    );
    expect(responses.every((r) => r.statusCode === 202)).toBe(true);
    expect(new Set(responses.map((r) => r.json().leadId)).size).toBe(1);
    expect(responses.filter((r) => r.json().status === 'accepted')).toHaveLength(1);
  });
});

describe('GET /v1/leads/{leadId}', () => {
  it("shows the lead to its tenant with history, and 404 to another tenant's key", async () => {
    const created = await h.send('POST', '/v1/events', exampleEvent({ person: { phone: phoneFor(400) } }));
    const leadId = created.json().leadId;
    const response = await h.send('GET', `/v1/leads/${leadId}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: leadId,
      status: 'received',
      campaign: 'cash-loan',
      intents: 1,
      sla: { met: null },
      suppression: null,
      attempts: [],
      history: [{ type: 'received' }],
    });

    const { createTenant, issueApiKey } = await import('@pronto/tenancy');
    const other = await createTenant(h.db.prisma, { slug: 'other', name: 'Other' });
    const key = await issueApiKey(h.db.prisma, h.box, { tenantId: other.id, keyId: 'other-key' });
    const foreign = await h.send('GET', `/v1/leads/${leadId}`, undefined, {
      keyId: key.keyId,
      secret: key.secret,
    });
    expect(foreign.statusCode).toBe(404);
    expect((await h.send('GET', '/v1/leads/not-a-uuid')).statusCode).toBe(404);
  });
});

describe('operations', () => {
  it('serves /healthz, the OpenAPI document and the docs page', async () => {
    expect((await h.app.inject('/healthz')).json()).toMatchObject({ status: 'ok' });
    const openapi = (await h.app.inject('/openapi.json')).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/events:batch', '/v1/leads/{leadId}']),
    );
    const eventBody = openapi.paths['/v1/events'].post.requestBody.content['application/json'];
    expect(eventBody.schema.properties.person).toBeDefined();
    expect(eventBody.example.eventId).toBe('evt_01JD3W5Q8E');
    expect((await h.app.inject('/docs/')).statusCode).toBe(200);
    expect((await h.app.inject('/problems/event-id-conflict')).body).toContain('409');
  });
});
