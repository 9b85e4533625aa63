import { signatureHeaders } from '@pronto/signature';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from './verify-webhook.ts';

const secret = 'prs_the-tenant-secret';
const nowMs = Date.UTC(2026, 2, 30, 8, 0, 0);
const body = JSON.stringify({ type: 'lead.breached', id: 'a1', reason: 'no_agent_available' });

function signed(options: { secret?: string; path?: string; at?: number } = {}) {
  return {
    ...signatureHeaders('acme-key', options.secret ?? secret, {
      timestamp: Math.floor((options.at ?? nowMs) / 1000),
      method: 'POST',
      pathWithQuery: options.path ?? '/hooks/pronto?team=sales',
      body,
    }),
    'pronto-alert-id': 'a1',
  };
}

describe('verifyWebhook', () => {
  it("accepts an alert signed with the key's secret, and names the key and the alert", () => {
    const result = verifyWebhook({
      secret,
      headers: signed(),
      body,
      path: '/hooks/pronto?team=sales',
      nowMs,
    });
    expect(result).toEqual({ ok: true, keyId: 'acme-key', alertId: 'a1' });
    const fromFetch = verifyWebhook({
      secret: ['prs_new-secret', secret],
      headers: new Headers(signed()),
      body: Buffer.from(body),
      path: '/hooks/pronto?team=sales',
      nowMs,
    });
    expect(fromFetch.ok).toBe(true);
  });

  it('refuses a wrong secret, another body or path, and an old timestamp', () => {
    const check = (headers: Record<string, string>, overrides: { body?: string; path?: string } = {}) =>
      verifyWebhook({
        secret,
        headers,
        body: overrides.body ?? body,
        path: overrides.path ?? '/hooks/pronto?team=sales',
        nowMs,
      });
    expect(check(signed({ secret: 'prs_someone-else' }))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(check(signed(), { body: body.replace('a1', 'a2') })).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(check(signed(), { path: '/hooks/pronto' })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(check(signed({ at: nowMs - 600_000 }))).toMatchObject({
      ok: false,
      reason: 'timestamp_out_of_range',
    });
    expect(check({})).toMatchObject({ ok: false, reason: 'missing_key_id' });
  });
});
