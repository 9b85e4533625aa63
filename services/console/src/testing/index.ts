// The console's public testing entry: the admin API on a fresh database with signed calls.
export {
  ADMIN_START,
  type AdminHarness,
  type AdminMethod,
  signedCall,
  startAdminHarness,
  type TestOperatorKey,
} from './admin-harness.ts';
export { type ListeningAdminHarness, listenAdminHarness } from './listen-admin-harness.ts';
