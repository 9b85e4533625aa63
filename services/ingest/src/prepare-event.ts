import { compileValidator, type FieldError, IntentEvent } from '@pronto/contracts';
import type { CampaignDirectory } from './campaign-directory.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import { normalizePhone } from './normalize-phone.ts';
import type { PreparedEvent } from './prepared-event.ts';
import { fieldError } from './problems.ts';

const validator = compileValidator(IntentEvent);

const knownZones = new Map<string, boolean>();

/** Whether `zone` is an IANA zone. Building a DateTimeFormat is costly, and events repeat few zones. */
export function isTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 1_000) knownZones.set(zone, known);
  }
  return known;
}

/**
 * Checks one event completely (schema, phone, zone, campaign) and reports every bad field at once,
 * so a client fixes its integration in one round.
 */
export async function prepareEvent(
  body: unknown,
  rawBody: string,
  tenantId: string,
  campaigns: CampaignDirectory,
): Promise<{ ok: true; event: PreparedEvent } | { ok: false; errors: FieldError[] }> {
  const checked = validator.validate(body);
  if (!checked.ok) return checked;
  const event = checked.value;
  const errors: FieldError[] = [];

  const phone = normalizePhone(event.person.phone, event.person.locale);
  if (!phone.ok) errors.push(fieldError('person.phone', phone.detail));
  if (event.person.timeZone !== undefined && !isTimeZone(event.person.timeZone)) {
    errors.push(fieldError('person.timeZone', 'is not an IANA time zone (for example Europe/Warsaw)'));
  }
  const campaignId = await campaigns.find(tenantId, event.campaign);
  if (!campaignId)
    errors.push(fieldError('campaign', `no campaign "${event.campaign}" exists for this tenant`));
  if (errors.length > 0 || !phone.ok || !campaignId) return { ok: false, errors };

  return {
    ok: true,
    event: {
      tenantId,
      campaignId,
      eventId: event.eventId,
      type: event.type,
      occurredAt: event.occurredAt,
      bodyHash: sha256Hex(canonicalJson(event)),
      rawBody,
      phoneE164: phone.e164,
      name: event.person.name ?? null,
      timeZone: event.person.timeZone ?? null,
      suppression: event.consent.phoneContact ? null : 'no_consent',
      event,
    },
  };
}
