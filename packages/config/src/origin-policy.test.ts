import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from './origin-policy.ts';

describe('createOriginPolicy', () => {
  it("takes the listening port's loopback origins by default, and nothing else", () => {
    const allows = createOriginPolicy(undefined, () => ({
      address: '127.0.0.1',
      family: 'IPv4',
      port: 8080,
    }));
    expect(allows('http://127.0.0.1:8080')).toBe(true);
    expect(allows('http://localhost:8080')).toBe(true);
    expect(allows('http://[::1]:8080')).toBe(true);
    for (const origin of [
      undefined,
      '',
      'null',
      'http://127.0.0.1:8081',
      'https://127.0.0.1:8080',
      'http://evil.example',
    ]) {
      expect(allows(origin), String(origin)).toBe(false);
    }
  });

  it('takes the bound address when it is not a wildcard, and only the configured origins when set', () => {
    const lan = createOriginPolicy(undefined, () => ({ address: '10.0.0.7', family: 'IPv4', port: 80 }));
    expect(lan('http://10.0.0.7:80')).toBe(true);
    const any = createOriginPolicy(undefined, () => ({ address: '0.0.0.0', family: 'IPv4', port: 80 }));
    expect(any('http://0.0.0.0:80')).toBe(false);
    const configured = createOriginPolicy(['https://pronto.bank.example'], () => null);
    expect(configured('https://Pronto.Bank.Example')).toBe(true);
    expect(configured('http://127.0.0.1:8080')).toBe(false);
  });
});
