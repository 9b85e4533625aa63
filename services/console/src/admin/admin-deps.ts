import type { Sql } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { SecretBox } from '@pronto/tenancy';

/** What the admin API's routes need. */
export interface AdminDeps {
  readonly sql: Sql;
  /** Seals the API keys' and operator keys' secrets (PRONTO_MASTER_KEY). */
  readonly secretBox: SecretBox;
  /** The clock of grace periods and audit times; tests move it. */
  readonly now: () => Date;
  readonly logger: Logger;
}

/** The OpenAPI tags and security every admin route shares. */
export const ADMIN_SCHEMA = { tags: ['admin'], security: [{ signature: [] }, { session: [] }] } as const;
