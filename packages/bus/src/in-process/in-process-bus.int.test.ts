import { createLogger } from '@pronto/telemetry';
import { openTestDatabase } from '@pronto/testing';
import { describeBusContract } from '../testing/bus-contract.ts';
import { createInProcessBus } from './in-process-bus.ts';

describeBusContract('in-process (database log)', async () => {
  const db = await openTestDatabase();
  const bus = createInProcessBus({ sql: db.sql, logger: createLogger({ name: 'bus', level: 'silent' }) });
  return {
    bus,
    redeliveryWithinMs: 0,
    async close() {
      await bus.close();
      await db.close();
    },
  };
});
