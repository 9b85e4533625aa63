// The figures for the chosen filters: read once (/manager/snapshot, where a bad filter is told as a
// problem), then followed live (/manager/stream, server-sent events) without a reload.
import { byTestId } from '@pronto/pages/browser';
import type { DashboardSnapshot } from '../src/dashboard-snapshot.ts';
import { filterQuery } from './filters.ts';
import { render } from './render.ts';
import { problemDetail, setText } from './text.ts';

let stream: EventSource | undefined;

function setStatus(state: 'connecting' | 'live' | 'reconnecting' | 'offline') {
  const element = byTestId('live-status');
  element.dataset.state = state;
  element.textContent = state;
}

export function stopFollowing() {
  stream?.close();
}

/** Reads the figures once, then follows them; `onSignedOut` when the session has ended. */
export async function follow(onSignedOut: () => void) {
  stream?.close();
  const query = filterQuery();
  setStatus('connecting');
  const response = await fetch(`/manager/snapshot?${query}`);
  if (response.status === 401) return onSignedOut();
  if (!response.ok) {
    setText('filter-error', await problemDetail(response));
    setStatus('offline');
    return;
  }
  setText('filter-error', '');
  render((await response.json()) as DashboardSnapshot);
  const source = new EventSource(`/manager/stream?${query}`);
  stream = source;
  source.addEventListener('open', () => setStatus('live'));
  source.addEventListener('snapshot', (event) => render(JSON.parse(event.data) as DashboardSnapshot));
  source.addEventListener('error', () =>
    setStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting'),
  );
}
