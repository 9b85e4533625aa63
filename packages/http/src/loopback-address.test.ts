import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from './loopback-address.ts';

describe('isLoopbackAddress', () => {
  it('knows IPv4 and IPv6 loopback, also as a mapped IPv4 address', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(ip), ip).toBe(true);
    for (const ip of ['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', '::2'])
      expect(isLoopbackAddress(ip), ip).toBe(false);
  });
});
