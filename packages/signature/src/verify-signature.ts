import { timingSafeEqual } from 'node:crypto';
import { computeSignature, SIGNATURE_VERSION, type SignedParts } from './sign-request.ts';

/** How far Pronto-Timestamp may be from the server's clock before the request counts as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type VerifyFailure =
  | 'missing_timestamp'
  | 'bad_timestamp'
  | 'timestamp_out_of_range'
  | 'missing_signature'
  | 'bad_signature';

export type VerifyResult =
  | {
      ok: true;
      secretIndex: number;
      /**
       * Each offered signature that matched, as lowercase hex of the HMAC itself: what identifies the
       * request for replay checks. Not the header text, which can be varied without changing what
       * matches (hex case, extra candidates, a trailing odd digit that decoding drops).
       */
      signatures: string[];
    }
  | { ok: false; reason: VerifyFailure; detail: string };

export interface VerifyInput extends Omit<SignedParts, 'timestamp'> {
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  /** Every secret that is active for the key id (two while a key is being rotated). */
  secrets: readonly string[];
  /** Now, in milliseconds since the epoch (injected so that tests can move the clock). */
  nowMs: number;
  toleranceSeconds?: number;
}

/**
 * Checks a request's Pronto-Signature against every active secret of its key. Every candidate is
 * compared in constant time, and every secret is tried even after a match, so the time taken says
 * nothing about which secret (or how much of a signature) was right.
 */
export function verifySignature(input: VerifyInput): VerifyResult {
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (!input.timestampHeader) return fail('missing_timestamp', 'Pronto-Timestamp header is missing');
  if (!/^\d{1,12}$/.test(input.timestampHeader)) {
    return fail('bad_timestamp', 'Pronto-Timestamp must be unix seconds (digits only)');
  }
  const skew = Number(input.timestampHeader) - Math.floor(input.nowMs / 1000);
  if (Math.abs(skew) > tolerance) {
    return fail(
      'timestamp_out_of_range',
      `Pronto-Timestamp is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} the server's clock; at most ${tolerance} s is allowed`,
    );
  }
  if (!input.signatureHeader) return fail('missing_signature', 'Pronto-Signature header is missing');
  const offered = input.signatureHeader
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SIGNATURE_VERSION}=`))
    .map((part) => Buffer.from(part.slice(SIGNATURE_VERSION.length + 1), 'hex'));
  if (offered.length === 0)
    return fail('bad_signature', `Pronto-Signature must be ${SIGNATURE_VERSION}=<hex HMAC-SHA256>`);

  const parts: SignedParts = { ...input, timestamp: input.timestampHeader };
  let matched = -1;
  const signatures: string[] = [];
  input.secrets.forEach((secret, index) => {
    const hex = computeSignature(secret, parts);
    const expected = Buffer.from(hex, 'hex');
    let any = false;
    for (const candidate of offered) {
      // timingSafeEqual needs equal lengths; a wrong-length candidate is compared with itself
      // so that the work done does not depend on the input.
      const same =
        candidate.length === expected.length
          ? timingSafeEqual(candidate, expected)
          : !timingSafeEqual(candidate, candidate);
      if (same && matched < 0) matched = index;
      any ||= same;
    }
    if (any) signatures.push(hex);
  });
  return matched >= 0
    ? { ok: true, secretIndex: matched, signatures }
    : fail('bad_signature', 'Pronto-Signature does not match the request');
}

function fail(reason: VerifyFailure, detail: string): VerifyResult {
  return { ok: false, reason, detail };
}
