export {
  createScratchDatabase,
  type DatabaseKind,
  databaseKinds,
  defaultDatabaseKind,
  dropScratchDatabase,
  openTestDatabase,
  type TestDatabase,
} from './test-database.ts';
