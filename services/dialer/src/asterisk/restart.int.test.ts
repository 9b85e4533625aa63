import { randomUUID } from 'node:crypto';
import { withNamespace } from '@pronto/bus';
import { describe, expect, it } from 'vitest';
import { databaseCallLog } from '../calls/database-call-log.ts';
import { dialRequest as dialRequestMessage } from '../simulated/test-harness.ts';
import { dialRequest, startAmiScenario, useTestBus } from './test-harness.ts';

const testBus = useTestBus();

/**
 * Issue 19: an Asterisk dialer that restarts (a new process, nothing in memory) and is given an
 * originate it had placed before finds it in the call log and sends Asterisk no second Originate.
 * Each dialer talks to a replay of a contacted call recorded from Asterisk 22.
 */
describe('the Asterisk dialer after a restart, on the recorded AMI replay', () => {
  it('sends no second Originate for an attempt placed before the restart, and publishes nothing for it', async () => {
    const namespace = `ami-restart-${randomUUID()}`;
    const callLog = databaseCallLog(testBus.db.sql);
    const options = { speed: 4, callLog, namespace };
    const before = await startAmiScenario(testBus.bus, ['originate-contacted'], options);
    const request = dialRequest();
    try {
      await before.send('originate', request);
      await before.phase(request.attemptId, 'ended');
    } finally {
      await before.close();
    }

    const after = await startAmiScenario(testBus.bus, ['originate-contacted'], options);
    try {
      // The same originate again, then a new attempt behind it (same key: handled after it).
      const next = dialRequest();
      const redelivered = dialRequestMessage('originate', request);
      const behind = { ...dialRequestMessage('originate', next), key: request.attemptId };
      await withNamespace(testBus.bus, namespace).publish('dial-requests', [redelivered, behind]);
      await after.phase(next.attemptId, 'ended');

      const originates = after.server.received.filter((action) => action.action === 'Originate');
      const actionIds = originates.map(
        (action) => action.headers.find(([name]) => name.toLowerCase() === 'actionid')?.[1],
      );
      expect(actionIds).toEqual([next.attemptId]);
      // The collector reads the namespace from its start: the first dialer's events, once.
      expect(
        after.events.filter((event) => event.attemptId === request.attemptId).map((event) => event.phase),
      ).toEqual(['originated', 'ringing', 'answered', 'bridged', 'ended']);
      const [row] = await testBus.db.sql.query<{ outcome: string }>(
        'SELECT outcome FROM dialer_call WHERE attempt_id = $1',
        [request.attemptId],
      );
      expect(row?.outcome).toBe('contacted');
    } finally {
      await after.close();
    }
  });
});
