import { loadConfig } from '@pronto/config';
import { describe, expect, it } from 'vitest';
import { DialerConfig } from './config.ts';

const DATABASE_URL = 'postgres://pronto@localhost:5432/pronto';

describe('DialerConfig', () => {
  it('runs the simulated dialer by default', () => {
    expect(loadConfig(DialerConfig, { DATABASE_URL })).toMatchObject({
      DIALER: 'simulated',
      BUS: 'in-process',
    });
  });

  it('refuses DIALER=asterisk by name until the Asterisk dialer exists', () => {
    expect(() => loadConfig(DialerConfig, { DATABASE_URL, DIALER: 'asterisk' })).toThrow(
      /DIALER .*\(got "asterisk"\).*DIALER=asterisk \(Asterisk AMI\) is not available yet/,
    );
  });
});
