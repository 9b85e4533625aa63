// Helpers shared by the pages' browser code (the agent desktop and the manager dashboard). Browser
// only: type-checked by tsconfig.browser.json, bundled into each page by bundlePage.
import type { AgentState } from '@pronto/contracts';

/** The element a test (and the page's own code) knows by its `data-testid`. */
export function byTestId<Element extends HTMLElement = HTMLElement>(id: string): Element {
  return document.querySelector(`[data-testid="${id}"]`) as Element;
}

/** An agent's state in words, as the desktop and the dashboard both show it. */
export const AGENT_STATE_LABELS: Record<AgentState, string> = {
  offline: 'Offline',
  available: 'Available',
  offered: 'Offered',
  dialing: 'Dialing',
  on_call: 'On call',
  wrap_up: 'Wrap-up',
  paused: 'Paused',
};
