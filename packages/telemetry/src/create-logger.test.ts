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

  it('logs an error by its allow-list whichever way it is passed, and scrubs the message it gave the line', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ name: 'test', destination });
    const dbError = () =>
      Object.assign(new Error('invalid input syntax for type timestamp: "+48601234567 Jan Kowalski"'), {
        code: '22007',
        query: 'INSERT INTO intent_event (raw_body) VALUES ($1)',
        params: ['{"person":{"phone":"+48601234567","firstName":"Jan"}}'],
        detail: 'Key (phone)=(+48601234567) already exists.',
      });
    log.error(dbError());
    log.error(dbError(), 'event could not be stored');
    log.warn({ err: dbError(), events: 3 }, 'batch failed');
    log.child({ reqId: 'r1' }).error({ res: { statusCode: 500 }, err: dbError() }, dbError().message);
    log.warn({ nested: { reason: dbError() } }, 'retrying');
    log.info({ req: { method: 'DELETE', url: '/v1/dnc/+48601234567', ip: '127.0.0.1' } }, 'incoming request');
    const text = lines.join('');
    expect(lines).toHaveLength(6);
    expect(text).not.toMatch(/601234567|Kowalski|Jan|INSERT|raw_body|already exists/);
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed[0]).toMatchObject({
      err: { code: '22007' },
      msg: 'invalid input syntax for type timestamp: "…"',
    });
    expect(parsed[1]).toMatchObject({ err: { code: '22007' }, msg: 'event could not be stored' });
    expect(parsed[3]).toMatchObject({ reqId: 'r1', msg: 'invalid input syntax for type timestamp: "…"' });
    expect(parsed[4]).toMatchObject({ nested: { reason: { code: '22007', type: 'Error' } } });
    expect(parsed[5]).toMatchObject({ req: { method: 'DELETE', url: '/v1/dnc/[digits]' } });
  });

  it('masks a number to its country code and last digits', () => {
    expect(maskPhone('+48601234567')).toBe('+48******567');
  });
});
