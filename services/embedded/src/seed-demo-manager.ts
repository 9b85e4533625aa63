import type { SqlQueryable } from '@pronto/db';
import { createManager } from '@pronto/tenancy';
import { demoPassword } from './seed-demo-agents.ts';

/** The demo's manager, who signs in at /manager. */
export const DEMO_MANAGER = { username: 'manager', displayName: 'Demo manager' } as const;

/**
 * The demo tenant's manager, created on first start with the demo people's password (the agents'
 * one, in <data>/demo-agent-password); later starts leave it as it is.
 */
export async function seedDemoManager(
  sql: SqlQueryable,
  options: { tenantId: string; dataDir: string },
): Promise<{ username: string; password: string }> {
  const password = await demoPassword(options.dataDir);
  await createManager(sql, { tenantId: options.tenantId, ...DEMO_MANAGER, password }, { ifMissing: true });
  return { username: DEMO_MANAGER.username, password };
}
