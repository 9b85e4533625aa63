import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { computeSignature, signRequest } from './sign-request.ts';
import { verifySignature } from './verify-signature.ts';

const now = Date.UTC(2026, 10, 22, 10, 15, 3);
const nowSeconds = Math.floor(now / 1000);
const body = '{"eventId":"evt_1"}';

function input(overrides: Partial<Parameters<typeof verifySignature>[0]> = {}) {
  const timestamp = String(nowSeconds);
  return {
    timestampHeader: timestamp,
    signatureHeader: signRequest('s3cret', { timestamp, method: 'POST', pathWithQuery: '/v1/events', body }),
    secrets: ['s3cret'],
    nowMs: now,
    method: 'POST',
    pathWithQuery: '/v1/events',
    body,
    ...overrides,
  };
}

describe('verifySignature', () => {
  it('accepts a request signed with the active secret', () => {
    const signature = computeSignature('s3cret', {
      timestamp: String(nowSeconds),
      method: 'POST',
      pathWithQuery: '/v1/events',
      body,
    });
    expect(verifySignature(input())).toEqual({ ok: true, secretIndex: 0, signatures: [signature] });
  });

  it('accepts either secret while a key is being rotated, and says which matched', () => {
    expect(verifySignature(input({ secrets: ['new-secret', 's3cret'] }))).toEqual({
      ok: true,
      secretIndex: 1,
      signatures: [input().signatureHeader.slice(3)],
    });
  });

  it('names the matching HMAC itself, however the header spells it, so a replay check cannot be dodged', () => {
    const { signatureHeader } = input();
    const hex = signatureHeader.slice(3);
    for (const variant of [
      `v1=${hex.toUpperCase()}`,
      `v1=${hex}0`,
      `v1=${'0'.repeat(64)}, ${signatureHeader}`,
      ` ${signatureHeader} ,v1=ff`,
    ]) {
      expect(verifySignature(input({ signatureHeader: variant }))).toEqual({
        ok: true,
        secretIndex: 0,
        signatures: [hex],
      });
    }
    // Signed with both secrets of a key in rotation: both HMACs are named, so neither can be replayed alone.
    const both = `${signatureHeader}, ${signRequest('new-secret', {
      timestamp: String(nowSeconds),
      method: 'POST',
      pathWithQuery: '/v1/events',
      body,
    })}`;
    const result = verifySignature(input({ signatureHeader: both, secrets: ['new-secret', 's3cret'] }));
    expect(result.ok && result.signatures).toHaveLength(2);
  });

  it('refuses a changed body, path or method', () => {
    expect(verifySignature(input({ body: '{"eventId":"evt_2"}' })).ok).toBe(false);
    expect(verifySignature(input({ pathWithQuery: '/v1/events:batch' })).ok).toBe(false);
    expect(verifySignature(input({ method: 'PUT' })).ok).toBe(false);
  });

  it('treats the timestamp window as inclusive at 300 s', () => {
    for (const skew of [-300, 300]) {
      const timestamp = String(nowSeconds + skew);
      const signatureHeader = signRequest('s3cret', {
        timestamp,
        method: 'POST',
        pathWithQuery: '/v1/events',
        body,
      });
      expect(verifySignature(input({ timestampHeader: timestamp, signatureHeader })).ok).toBe(true);
    }
    const late = String(nowSeconds - 301);
    const signatureHeader = signRequest('s3cret', {
      timestamp: late,
      method: 'POST',
      pathWithQuery: '/v1/events',
      body,
    });
    expect(verifySignature(input({ timestampHeader: late, signatureHeader }))).toMatchObject({
      ok: false,
      reason: 'timestamp_out_of_range',
    });
  });

  it('refuses malformed headers with a reason a developer can act on', () => {
    expect(verifySignature(input({ timestampHeader: undefined }))).toMatchObject({
      reason: 'missing_timestamp',
    });
    expect(verifySignature(input({ timestampHeader: '1.5e9' }))).toMatchObject({ reason: 'bad_timestamp' });
    expect(verifySignature(input({ signatureHeader: undefined }))).toMatchObject({
      reason: 'missing_signature',
    });
    expect(verifySignature(input({ signatureHeader: 'sha256=abc' }))).toMatchObject({
      reason: 'bad_signature',
    });
    expect(verifySignature(input({ signatureHeader: 'v1=abcd' }))).toMatchObject({ reason: 'bad_signature' });
  });

  it('matches what openssl computes, so the signing recipe of docs/api.md works by hand', () => {
    const payload = `${nowSeconds}\nPOST\n/v1/events\n${body}`;
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', 's3cret', '-r'], { input: payload })
      .toString()
      .split(' ')[0];
    expect(
      computeSignature('s3cret', {
        timestamp: nowSeconds,
        method: 'POST',
        pathWithQuery: '/v1/events',
        body,
      }),
    ).toBe(openssl);
  });
});
