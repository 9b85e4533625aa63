import { ConfigError, loadConfig } from '@pronto/config';
import { describe, expect, it } from 'vitest';
import { DialerConfig } from './config.ts';
import { asteriskSettingsOf } from './dialer-settings.ts';

const DATABASE_URL = 'postgres://pronto@localhost:5432/pronto';

describe('DialerConfig', () => {
  it('runs the simulated dialer by default', () => {
    expect(loadConfig(DialerConfig, { DATABASE_URL })).toMatchObject({
      DIALER: 'simulated',
      BUS: 'in-process',
    });
  });

  it('takes DIALER=asterisk with its AMI address and the defaults a PBX admin expects', () => {
    const config = loadConfig(DialerConfig, {
      DATABASE_URL,
      DIALER: 'asterisk',
      ASTERISK_AMI_URL: 'ami://pronto:s%40cret@pbx.example:5039',
    });
    expect(asteriskSettingsOf(config)).toEqual({
      ami: { host: 'pbx.example', port: 5039, username: 'pronto', secret: 's@cret' },
      settings: { context: 'pronto-outbound', agentRingSeconds: 20, trunkChannels: 30, numberFormat: 'e164' },
    });
  });

  it('names ASTERISK_AMI_URL when DIALER=asterisk comes without it', () => {
    const config = loadConfig(DialerConfig, { DATABASE_URL, DIALER: 'asterisk' });
    expect(() => asteriskSettingsOf(config)).toThrow(ConfigError);
    expect(() => asteriskSettingsOf(config)).toThrow(/ASTERISK_AMI_URL is required when DIALER=asterisk/);
  });

  it('refuses an AMI URL without the user and secret, without echoing it', () => {
    const config = loadConfig(DialerConfig, {
      DATABASE_URL,
      DIALER: 'asterisk',
      ASTERISK_AMI_URL: 'ami://pbx:5038',
    });
    expect(() => asteriskSettingsOf(config)).toThrow(/needs the AMI user and secret/);
    const http = loadConfig(DialerConfig, {
      DATABASE_URL,
      DIALER: 'asterisk',
      ASTERISK_AMI_URL: 'http://pronto:hunter2@pbx:5038',
    });
    expect(() => asteriskSettingsOf(http)).toThrow(/must start with ami:\/\//);
    expect(() => asteriskSettingsOf(http)).not.toThrow(/hunter2/);
    expect(() => loadConfig(DialerConfig, { DATABASE_URL, DIALER: 'sip' })).toThrow(/DIALER/);
  });
});
