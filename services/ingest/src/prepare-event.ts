import { compileValidator, type FieldError, IntentEvent, knownTimeZone } from '@pronto/contracts';
import { fieldError } from '@pronto/http';
import type { CampaignDirectory } from './campaign-directory.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import { normalizePhone } from './normalize-phone.ts';
import type { PreparedEvent } from './prepared-event.ts';

const validator = compileValidator(IntentEvent);

/**
 * Checks one event completely (schema, what the database would refuse, phone, zone, campaign) and
 * reports every bad field at once, so a client fixes its integration in one round. Nothing that
 * passes can fail in the transaction for its content. `rawBody` is the text to keep, or undefined to
 * keep the event as JSON (a batch item), written only once it has been checked.
 */
export async function prepareEvent(
  body: unknown,
  rawBody: string | undefined,
  tenantId: string,
  campaigns: CampaignDirectory,
): Promise<{ ok: true; event: PreparedEvent } | { ok: false; errors: FieldError[] }> {
  const checked = validator.validate(body);
  if (!checked.ok) return checked;
  const event = checked.value;
  const errors: FieldError[] = [];

  const phone = normalizePhone(event.person.phone, event.person.locale);
  if (!phone.ok) errors.push(fieldError('person.phone', phone.detail));
  const timeZone = event.person.timeZone === undefined ? undefined : knownTimeZone(event.person.timeZone);
  if (event.person.timeZone !== undefined && !timeZone) {
    errors.push(
      fieldError(
        'person.timeZone',
        'is not an IANA time zone that Pronto knows (for example Europe/Warsaw): see docs/api.md, Time zones',
      ),
    );
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
      rawBody: rawBody ?? JSON.stringify(event),
      phoneE164: phone.e164,
      name: event.person.name ?? null,
      timeZone: timeZone ?? null,
      suppression: event.consent.phoneContact ? null : 'no_consent',
      event,
    },
  };
}
