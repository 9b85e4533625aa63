import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhone } from './create-logger.ts';

describe('createLogger', () => {
  it('never writes a phone number or a secret, wherever it sits in the line', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ name: 'test', destination });
    log.info(
      { leadId: 'lead-1', phone: '+48601234567', person: { phone: '+48601234567' }, secret: 'xyz' },
      'accepted',
    );
    const text = lines.join('');
    expect(text).toContain('lead-1');
    expect(text).not.toContain('601234567');
    expect(text).not.toContain('xyz');
  });

  it('masks a number to its country code and last digits', () => {
    expect(maskPhone('+48601234567')).toBe('+48******567');
  });
});
