import { signatureHeaders } from '@pronto/signature';
import { createTenant, issueApiKey } from '@pronto/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, START, startHarness } from './testing/ingest-harness.ts';

let h: Harness;
let other: { keyId: string; secret: string };
beforeAll(async () => {
  h = await startHarness();
  const tenant = await createTenant(h.db.prisma, { slug: 'other', name: 'Other Bank' });
  other = await issueApiKey(h.db.prisma, h.box, { tenantId: tenant.id, keyId: 'other-key' });
});
afterAll(async () => h.close());

type Method = 'GET' | 'PUT' | 'DELETE' | 'POST';

/** A signed request of any method and content type (the harness's send speaks JSON only). */
function send(
  method: Method,
  path: string,
  options: { body?: string | Buffer; contentType?: string; key?: { keyId: string; secret: string } } = {},
) {
  const body = options.body ?? '';
  const key = options.key ?? { keyId: h.keyId, secret: h.secret };
  const headers = signatureHeaders(key.keyId, key.secret, {
    timestamp: Math.floor(h.clock.ms / 1000),
    method,
    pathWithQuery: path,
    body,
  });
  return h.app.inject({
    method,
    url: path,
    headers: { ...headers, ...(options.contentType ? { 'content-type': options.contentType } : {}) },
    ...(body.length > 0 ? { payload: body } : {}),
  });
}

const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });
const dnc = (phone: string) => `/v1/dnc/${encodeURIComponent(phone)}`;
const importCsv = (csv: string | Buffer, key?: { keyId: string; secret: string }) =>
  send('POST', '/v1/dnc:import', { body: csv, contentType: 'text/csv', ...(key ? { key } : {}) });

describe('PUT, GET and DELETE /v1/dnc/{phone}', () => {
  it('lists a number in any format once, reads it back, and removes it', async () => {
    const put = await send('PUT', dnc('+48 601 234 567'), json({ reason: 'asked on the phone' }));
    expect(put.statusCode).toBe(201);
    const entry = {
      phone: '+48601234567',
      reason: 'asked on the phone',
      source: 'api',
      createdAt: new Date(START).toISOString(),
    };
    expect(put.json()).toEqual(entry);

    // The same number, written nationally: already listed, kept as it was.
    h.clock.ms += 60_000;
    const again = await send('PUT', dnc('601-234-567'), json({ locale: 'pl-PL', reason: 'other' }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(entry);
    const rows = await h.db.sql.query('SELECT 1 FROM dnc_entry WHERE phone_e164 = $1', ['+48601234567']);
    expect(rows).toHaveLength(1);

    const read = await send('GET', dnc('+48601234567'));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(entry);
    expect((await send('GET', `${dnc('601 234 567')}?locale=pl-PL`)).json()).toEqual(entry);

    const removed = await send('DELETE', dnc('+48 601 234 567'));
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    // Sent again later (the same signature would be a replay, refused with 409): nothing left to remove.
    h.clock.ms += 1_000;
    const gone = await send('DELETE', dnc('+48 601 234 567'));
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await send('GET', dnc('+48601234567'))).statusCode).toBe(404);
  });

  it('takes a PUT without a body', async () => {
    const put = await send('PUT', dnc('+48601000001'));
    expect(put.statusCode).toBe(201);
    expect(put.json()).toMatchObject({ phone: '+48601000001', reason: null, source: 'api' });
  });

  it("never shows or removes another tenant's entry", async () => {
    expect((await send('PUT', dnc('+48601000002'))).statusCode).toBe(201);
    expect((await send('GET', dnc('+48601000002'), { key: other })).statusCode).toBe(404);
    expect((await send('DELETE', dnc('+48601000002'), { key: other })).statusCode).toBe(404);
    expect((await send('GET', dnc('+48601000002'))).statusCode).toBe(200);
    // The other tenant lists the same number on its own list: a new entry, not "already listed".
    expect((await send('PUT', dnc('+48601000002'), { key: other })).statusCode).toBe(201);
    h.clock.ms += 1_000; // a new DELETE, not the refused one sent again
    expect((await send('DELETE', dnc('+48601000002'), { key: other })).statusCode).toBe(204);
    expect((await send('GET', dnc('+48601000002'))).statusCode).toBe(200);
  });

  it('answers 400 naming phone for a number that cannot be one, storing nothing', async () => {
    for (const phone of ['12', 'not-a-number', '601 234 567']) {
      const response = await send('PUT', dnc(phone), json({ reason: 'x' }));
      expect(response.statusCode, phone).toBe(400);
      expect(response.json()).toMatchObject({
        type: '/problems/validation-error',
        errors: [{ field: 'phone', pointer: '/phone', detail: expect.any(String) }],
      });
    }
    expect((await send('GET', dnc('12'))).json().errors[0].field).toBe('phone');
    const [count] = await h.db.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM dnc_entry WHERE reason = 'x'",
    );
    expect(count?.n).toBe(0);
  });

  it('answers 400 naming the body field that is wrong', async () => {
    const response = await send('PUT', dnc('+48601000003'), json({ locale: 'Polish', colour: 'red' }));
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .errors.map((error: { field: string }) => error.field)
        .sort(),
    ).toEqual(['colour', 'locale']);
  });

  it('refuses an unsigned or wrongly signed request', async () => {
    expect((await h.app.inject({ method: 'PUT', url: dnc('+48601000004') })).statusCode).toBe(401);
    const forged = await send('DELETE', dnc('+48601000002'), { key: { keyId: h.keyId, secret: 'guess' } });
    expect(forged.statusCode).toBe(401);
    expect((await send('GET', dnc('+48601000002'))).statusCode).toBe(200);
  });
});

describe('POST /v1/dnc:import', () => {
  it('lists the good rows, counts the listed ones, and reports the bad ones by line', async () => {
    await send('PUT', dnc('+48601100002'), json({ reason: 'listed before' }));
    const csv = [
      '\uFEFFPhone,Reason,locale', // line 1: a spreadsheet's header, with a BOM
      '+48 601 100 001,asked on the phone,', // 2 added
      '+48601100002,again,', // 3 already listed
      '', // 4 blank
      '601 100 003,"complaint, by letter ""urgent""",pl-PL', // 5 added
      '"+48 601 100 001",repeat in the file,', // 6 already listed (line 2)
      'call me maybe,,', // 7 rejected: phone
      '601 100 004,"two\nlines",pl-PL', // 8-9 added
      '601 100 005,,', // 10 rejected: national without a locale
      ',no phone,', // 11 rejected: empty phone
      '+48601100006,,Polish', // 12 rejected: locale
      '+48 12 3,,', // 13 rejected: too short
      ',,', // 14 blank
    ].join('\r\n');
    const response = await importCsv(csv);
    expect(response.statusCode).toBe(200);
    const { errors, ...counts } = response.json();
    expect(counts).toEqual({ rows: 10, added: 3, alreadyListed: 2, rejected: 5 });
    expect(errors.map((error: { row: number; field: string }) => [error.row, error.field])).toEqual([
      [7, 'phone'],
      [10, 'phone'],
      [11, 'phone'],
      [12, 'locale'],
      [13, 'phone'],
    ]);
    expect(errors[0]).toEqual({
      row: 7,
      field: 'phone',
      value: '**** ** *****',
      detail: expect.stringMatching(/not a phone number/),
    });
    expect(errors[4].value).toBe('+** 12 3');
    expect(errors[1].detail).toMatch(/locale/);

    const stored = await h.db.sql.query<{ phone_e164: string; reason: string; source: string }>(
      `SELECT phone_e164, reason, source FROM dnc_entry WHERE tenant_id = $1 AND phone_e164 LIKE '+486011%'
        ORDER BY phone_e164`,
      [h.tenantId],
    );
    expect(stored).toEqual([
      { phone_e164: '+48601100001', reason: 'asked on the phone', source: 'csv-import' },
      { phone_e164: '+48601100002', reason: 'listed before', source: 'api' },
      { phone_e164: '+48601100003', reason: 'complaint, by letter "urgent"', source: 'csv-import' },
      { phone_e164: '+48601100004', reason: 'two\nlines', source: 'csv-import' },
    ]);

    // The same file again (a new request, signed anew): nothing new.
    h.clock.ms += 1_000;
    const again = (await importCsv(csv)).json();
    expect({ ...again, errors: again.errors.length }).toEqual({
      rows: 10,
      added: 0,
      alreadyListed: 5,
      rejected: 5,
      errors: 5,
    });
  });

  it("imports into the caller's list only", async () => {
    const report = (await importCsv('phone\n+48601200001\n', other)).json();
    expect(report).toMatchObject({ added: 1 });
    expect((await send('GET', dnc('+48601200001'))).statusCode).toBe(404);
    expect((await send('GET', dnc('+48601200001'), { key: other })).json().source).toBe('csv-import');
  });

  it('answers 400 naming phone for a file without a phone column, or without any row', async () => {
    for (const csv of ['number,reason\n+48601300001,x\n', '', '\n\n']) {
      const response = await importCsv(csv);
      expect(response.statusCode, JSON.stringify(csv)).toBe(400);
      expect(response.json().errors).toEqual([expect.objectContaining({ field: 'phone' })]);
    }
  });

  it('answers 413 above 10,000 rows, saying to split the file, and stores nothing', async () => {
    const rows = Array.from({ length: 10_001 }, (_, n) => `+4860${String(5_000_000 + n).padStart(7, '0')}`);
    const response = await importCsv(`phone\n${rows.join('\n')}\n`);
    expect(response.statusCode).toBe(413);
    expect(response.json().detail).toMatch(/10001 data rows.*at most 10000.*[Ss]plit/);
    expect((await send('GET', dnc(rows[0] ?? ''))).statusCode).toBe(404);
  });

  it('checks the signature over the CSV bytes', async () => {
    const csv = 'phone\n+48601400001\n';
    const headers = signatureHeaders(h.keyId, h.secret, {
      timestamp: Math.floor(h.clock.ms / 1000),
      method: 'POST',
      pathWithQuery: '/v1/dnc:import',
      body: csv,
    });
    const tampered = await h.app.inject({
      method: 'POST',
      url: '/v1/dnc:import',
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: 'phone\n+48601400002\n',
    });
    expect(tampered.statusCode).toBe(401);
    const emptySigned = signatureHeaders(h.keyId, h.secret, {
      timestamp: Math.floor(h.clock.ms / 1000),
      method: 'POST',
      pathWithQuery: '/v1/dnc:import',
      body: '',
    });
    const unsignedBody = await h.app.inject({
      method: 'POST',
      url: '/v1/dnc:import',
      headers: { ...emptySigned, 'content-type': 'text/csv; charset=utf-8' },
      payload: csv,
    });
    expect(unsignedBody.statusCode).toBe(401);
    expect((await send('GET', dnc('+48601400001'))).statusCode).toBe(404);
    expect((await send('GET', dnc('+48601400002'))).statusCode).toBe(404);
  });

  it('refuses other content types, text that is not UTF-8, and a quote that never closes', async () => {
    const asJson = await send('POST', '/v1/dnc:import', json({ phone: '+48601500001' }));
    expect(asJson.statusCode).toBe(415);
    const latin2 = Buffer.concat([Buffer.from('phone,reason\n+48601500002,'), Buffer.from([0xb3, 0xf3])]);
    const notUtf8 = await importCsv(latin2);
    expect(notUtf8.statusCode).toBe(400);
    expect(notUtf8.json().detail).toMatch(/UTF-8/);
    const open = await importCsv('phone,reason\n+48601500003,"never closed\n');
    expect(open.statusCode).toBe(400);
    expect(open.json().detail).toMatch(/line 2/);
  });
});

describe('OpenAPI', () => {
  it('documents the do-not-call routes with their schemas', async () => {
    const openapi = (await h.app.inject('/openapi.json')).json();
    const item = openapi.paths['/v1/dnc/{phone}'];
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'put']);
    expect(item.put.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'phone', in: 'path' })]),
    );
    expect(item.put.requestBody.content['application/json'].schema.properties.reason).toBeDefined();
    expect(Object.keys(item.put.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401']));
    expect(Object.keys(item.delete.responses)).toEqual(expect.arrayContaining(['204', '404']));
    const importOp = openapi.paths['/v1/dnc:import'].post;
    expect(importOp.requestBody.content['text/csv'].schema.type).toBe('string');
    expect(importOp.responses['200'].content['application/json'].schema.properties.errors).toBeDefined();
    expect(Object.keys(importOp.responses)).toEqual(expect.arrayContaining(['400', '413']));
  });
});
