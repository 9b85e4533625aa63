// The shapes the desktop reads and sends, from their one source: the contracts and the gateway's
// desktop messages (docs/agent-protocol.md). Types only: nothing here reaches the bundle.
import type { AgentUpdateV1, Disposition } from '@pronto/contracts';

export type {
  DesktopAgent,
  DesktopCommand,
  DesktopError,
  DesktopServerMessage,
} from '../src/desktop-messages.ts';
export type { Disposition };

/** The agent's latest snapshot. */
export type AgentUpdate = AgentUpdateV1['payload'];
/** The attempt the agent holds. */
export type Attempt = NonNullable<AgentUpdate['attempt']>;
export type Lead = Attempt['lead'];
