import type { DialRequestV1 } from '@pronto/contracts';
import type { AsteriskDialerSettings } from './asterisk-dialer.ts';

type DialRequest = DialRequestV1['payload'];

/**
 * The agent-first Originate of one attempt (docs/operations.md, Asterisk): Asterisk rings the
 * agent's endpoint for `agentRingSeconds`; when it answers, the agent's channel runs `context` with the
 * person's number as the extension, which dials the trunk and bridges the two.
 *
 * - `ChannelId` = the attempt id becomes the agent leg's Uniqueid and so the Linkedid of both legs:
 *   every event of the call names its attempt, also after an AMI reconnect.
 * - `__` makes the ids inherit onto the person's leg (visible in `Status`/`Getvar` on both legs).
 * - `PRONTO_RING_TIMEOUT` (a channel variable outranks the dialplan's global of that name) is how
 *   long the person's phone may ring.
 */
export function originateAction(
  request: DialRequest,
  settings: AsteriskDialerSettings,
): Record<string, unknown> {
  const exten = settings.numberFormat === 'digits' ? request.phone.replace(/^\+/, '') : request.phone;
  return {
    action: 'Originate',
    actionid: request.attemptId,
    channel: oneLine(request.agentEndpoint ?? ''),
    context: settings.context,
    exten,
    priority: 1,
    timeout: settings.agentRingSeconds * 1_000,
    ...(request.callerId ? { callerid: oneLine(request.callerId) } : {}),
    channelid: request.attemptId,
    async: 'true',
    variable: {
      __PRONTO_LEAD_ID: request.leadId,
      __PRONTO_ATTEMPT_ID: request.attemptId,
      PRONTO_RING_TIMEOUT: String(request.ringTimeoutSeconds),
    },
  };
}

/** AMI is line-based: a line break in a value would end the header (or the whole action) early. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}
