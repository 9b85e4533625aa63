export {
  type AmiReplayOptions,
  type AmiReplayServer,
  type ReceivedAction,
  startAmiReplayServer,
} from './ami-replay-server.ts';
export {
  AMI_TRANSCRIPTS_DIR,
  AmiIdRewriter,
  amiHeader,
  amiHeaders,
  amiTranscriptPath,
  formatAmiMessage,
  parseAmiMessage,
  readAmiTranscript,
  splitAmiMessages,
  type TranscriptLine,
} from './ami-transcript.ts';
export { freePort } from './free-port.ts';
export { seededRandom } from './seeded-random.ts';
export {
  createScratchDatabase,
  type DatabaseKind,
  databaseKinds,
  defaultDatabaseKind,
  dropScratchDatabase,
  openTestDatabase,
  type TestDatabase,
} from './test-database.ts';
