export { isDatabaseUnavailable } from './database-unavailable.ts';
export type { Prisma, PrismaClient } from './generated/prisma/client.ts';
export { type AppliedMigration, migrate, migrationsDir } from './migrate.ts';
export { type Database, type DatabaseOptions, openDatabase, snapshotOf } from './open-database.ts';
export { restrictToOwner } from './restrict-to-owner.ts';
export type * from './rows.ts';
export type { Sql, SqlQueryable } from './sql.ts';
