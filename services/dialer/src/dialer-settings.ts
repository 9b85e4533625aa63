import { ConfigError } from '@pronto/config';
import Type, { type Static } from 'typebox';
import { type AmiAddress, parseAmiUrl } from './asterisk/ami-connection.ts';
import type { AsteriskDialerSettings } from './asterisk/asterisk-dialer.ts';

/** Which dialer places the calls, and how the Asterisk one reaches its PBX. Shared by the dialer service and the embedded process. */
export const DialerSettings = {
  DIALER: Type.Enum(['simulated', 'asterisk'], {
    default: 'simulated',
    description:
      'simulated (calls played out with realistic answer rates and ring times) or asterisk (real calls through Asterisk AMI; needs ASTERISK_AMI_URL)',
  }),
  ASTERISK_AMI_URL: Type.Optional(
    // No pattern: a value that failed one would be echoed, secret and all; parseAmiUrl checks it and never echoes it.
    Type.String({
      description: 'the Asterisk Manager Interface, ami://user:secret@host:5038 (DIALER=asterisk)',
    }),
  ),
  ASTERISK_CONTEXT: Type.String({
    minLength: 1,
    default: 'pronto-outbound',
    description:
      'the dialplan context that dials the person once the agent answers (infra/asterisk/extensions.conf)',
  }),
  ASTERISK_AGENT_RING_SECONDS: Type.Integer({
    minimum: 5,
    maximum: 120,
    default: 20,
    description: "how long the agent's phone rings before the attempt counts as agent_missed",
  }),
  ASTERISK_TRUNK_CHANNELS: Type.Integer({
    minimum: 1,
    default: 30,
    description: 'calls the SIP trunk carries at once; further calls wait for a free channel',
  }),
  ASTERISK_NUMBER_FORMAT: Type.Enum(['e164', 'digits'], {
    default: 'e164',
    description: "e164 dials +48600100200 as stored; digits drops the '+' (48600100200)",
  }),
};
const DialerSettingsSchema = Type.Object(DialerSettings);
export type DialerSettings = Static<typeof DialerSettingsSchema>;

/** The Asterisk dialer's settings, or a `ConfigError` naming the missing URL. */
export function asteriskSettingsOf(config: DialerSettings): {
  ami: AmiAddress;
  settings: AsteriskDialerSettings;
} {
  if (!config.ASTERISK_AMI_URL) {
    throw new ConfigError([
      'ASTERISK_AMI_URL is required when DIALER=asterisk: the Asterisk Manager Interface, ami://user:secret@host:5038',
    ]);
  }
  let ami: AmiAddress;
  try {
    ami = parseAmiUrl(config.ASTERISK_AMI_URL);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
  return {
    ami,
    settings: {
      context: config.ASTERISK_CONTEXT,
      agentRingSeconds: config.ASTERISK_AGENT_RING_SECONDS,
      trunkChannels: config.ASTERISK_TRUNK_CHANNELS,
      numberFormat: config.ASTERISK_NUMBER_FORMAT,
    },
  };
}
