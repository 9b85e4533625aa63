import { describe, expect, it } from 'vitest';
import { readDesktopMessage } from './desktop-messages.ts';

const ATTEMPT = '0f8fad5b-d9cb-469f-a165-70867728950e';
const read = (message: unknown) =>
  readDesktopMessage(typeof message === 'string' ? message : JSON.stringify(message));

describe('readDesktopMessage', () => {
  it('reads every command of the protocol', () => {
    for (const command of [
      { type: 'heartbeat' },
      { type: 'accept', attemptId: ATTEMPT, ref: '1' },
      { type: 'reject', attemptId: ATTEMPT },
      { type: 'hangup', attemptId: ATTEMPT },
      { type: 'disposition', attemptId: ATTEMPT, disposition: { code: 'sale', value: 100, currency: 'PLN' } },
      {
        type: 'disposition',
        attemptId: ATTEMPT,
        disposition: { code: 'callback', callbackAt: '2026-11-24T12:00:00Z' },
      },
      { type: 'disposition', attemptId: ATTEMPT, disposition: { code: 'do_not_call', note: 'asked' } },
      { type: 'pause', reason: 'lunch' },
      { type: 'resume' },
    ]) {
      expect(read(command), command.type).toEqual({ ok: true, command });
    }
  });

  it('names the field at fault and echoes the ref', () => {
    const error = (message: unknown) => {
      const result = read(message);
      if (result.ok) throw new Error('accepted');
      return result.error;
    };
    expect(error({ type: 'reject', ref: 'x' })).toMatchObject({ ref: 'x', field: 'attemptId' });
    expect(error({ type: 'pause' })).toMatchObject({ field: 'reason' });
    expect(
      error({ type: 'disposition', attemptId: ATTEMPT, disposition: { code: 'sale', value: -5 } }),
    ).toMatchObject({
      field: 'disposition.value',
    });
    expect(
      error({ type: 'disposition', attemptId: ATTEMPT, disposition: { code: 'other', mood: 'grumpy' } }),
    ).toMatchObject({ field: 'disposition.mood' });
    expect(error({ ref: 'y' })).toMatchObject({ ref: 'y', title: 'Unknown command', field: 'type' });
    expect(error([1, 2])).toMatchObject({ title: 'The message is not a JSON object' });
    expect(error('nope')).toEqual({
      type: 'error',
      title: 'The message is not valid JSON',
      detail: 'Send one JSON object per message.',
    });
  });
});
