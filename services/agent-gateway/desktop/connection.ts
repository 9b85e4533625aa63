// The one WebSocket to the agent gateway (docs/agent-protocol.md): hello, updates, acks and errors
// in; commands and heartbeats out; reconnects with backoff when it drops.
import { failPendingCommands, settleCommand } from './commands.ts';
import { el } from './elements.ts';
import type { DesktopServerMessage } from './protocol.ts';
import { render } from './render.ts';
import { fetchSession } from './session-api.ts';
import { applySnapshot } from './snapshot.ts';
import { app, type ConnectionStatus, readServerTime, socketState } from './state.ts';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;
/** docs/agent-protocol.md "Close codes". */
const SIGNED_OUT = 4401;
const REPLACED = 4409;

/** What to do when the gateway says the session has ended: set by the screens (screens.ts). */
let sessionEnded: (note: string) => void = () => {};
export function onSessionEnded(handler: (note: string) => void) {
  sessionEnded = handler;
}

export function connect() {
  clearTimeout(socketState.reconnectTimer);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/agent/ws`);
  socketState.socket = socket;
  app.takeAnyVersion = true;
  setConnection('connecting');
  // Events of a socket that has since been replaced are ignored.
  socket.addEventListener('message', (event) => {
    if (socketState.socket === socket) onMessage(event.data);
  });
  socket.addEventListener('close', (event) => {
    if (socketState.socket === socket) onClose(event);
  });
}

export function closeSocket() {
  const socket = socketState.socket;
  socketState.socket = null;
  stopHeartbeat();
  if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'closed by the desktop');
}

function setConnection(status: ConnectionStatus) {
  app.connection = status;
  render();
}

function onMessage(data: unknown) {
  let message: DesktopServerMessage & { serverTime?: number | string };
  try {
    message = JSON.parse(String(data));
  } catch {
    return;
  }
  if (message.serverTime !== undefined) readServerTime(message.serverTime);
  if (message.type === 'hello') onHello(message);
  else if (message.type === 'update') applySnapshot(message.update);
  else if (message.type === 'ack') settleCommand(message.ref, null);
  else if (message.type === 'error') settleCommand(message.ref, message);
}

function onHello(message: Extract<DesktopServerMessage, { type: 'hello' }>) {
  app.agent = message.agent ?? app.agent;
  socketState.retries = 0;
  startHeartbeat(message.heartbeatIntervalMs || 5000);
  setConnection('open');
}

const sendHeartbeat = () => socketState.socket?.send(JSON.stringify({ type: 'heartbeat' }));

/**
 * Chrome slows the timers of a tab hidden for a few minutes to one run a minute, and the gateway
 * drops a socket silent for 15 s: an agent with the desktop in a background tab would go offline.
 * A worker's timers are not slowed that way, so a tiny worker (heartbeat-worker.ts) keeps the beat;
 * if no worker can be started, the page's own timer does.
 */
function startHeartbeat(intervalMs: number) {
  stopHeartbeat();
  const fallBack = () => {
    stopHeartbeat();
    const timer = setInterval(sendHeartbeat, intervalMs);
    socketState.heartbeat = { stop: () => clearInterval(timer) };
  };
  try {
    const worker = new Worker('/agent/assets/heartbeat-worker.js');
    worker.addEventListener('message', sendHeartbeat);
    worker.addEventListener('error', fallBack);
    worker.postMessage(Number(intervalMs));
    socketState.heartbeat = { stop: () => worker.terminate() };
  } catch {
    fallBack();
  }
}

function stopHeartbeat() {
  socketState.heartbeat?.stop();
  socketState.heartbeat = null;
}

function onClose(event: CloseEvent) {
  socketState.socket = null;
  stopHeartbeat();
  failPendingCommands();
  if (event.code === SIGNED_OUT) {
    sessionEnded('Your session has ended. Sign in again.');
    return;
  }
  if (event.code === REPLACED) {
    setConnection('replaced');
    el.reconnectHere.focus();
    return;
  }
  scheduleReconnect();
}

/** Exponential backoff from 0.5 s to 10 s; the jitter keeps a room of desktops from reconnecting in step. */
function scheduleReconnect() {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** socketState.retries);
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  socketState.retries += 1;
  app.reconnectAt = Date.now() + delay;
  clearTimeout(socketState.reconnectTimer);
  socketState.reconnectTimer = setTimeout(reconnect, delay);
  setConnection('waiting');
}

/**
 * A refused upgrade looks like any other dropped socket to the browser, so the session is checked
 * over HTTP first: an expired one goes back to sign-in instead of retrying forever.
 */
export async function reconnect() {
  clearTimeout(socketState.reconnectTimer);
  setConnection('connecting');
  try {
    const agent = await fetchSession();
    if (!agent) {
      sessionEnded('Your session has ended. Sign in again.');
      return;
    }
    app.agent = agent;
    connect();
  } catch {
    scheduleReconnect();
  }
}

/** Coming back online or to the tab is a good moment to skip the rest of a backoff wait. */
export function reconnectSoon() {
  if (app.connection === 'waiting') reconnect();
}
