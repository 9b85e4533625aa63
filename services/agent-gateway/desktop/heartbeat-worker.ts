// The desktop's heartbeat timer (connection.ts, startHeartbeat): a worker's timers keep their pace
// in a background tab, where Chrome slows the page's own. A file of Pronto's, not a blob: URL, so
// the page's Content-Security-Policy needs no exception for it. Served bundled as
// /agent/assets/heartbeat-worker.js.

/** The worker's global scope, as far as used here (the browser tsconfig types `self` as a window). */
const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  postMessage(message: string): void;
};

let timer: ReturnType<typeof setInterval> | undefined;
scope.addEventListener('message', (event) => {
  clearInterval(timer);
  timer = setInterval(() => scope.postMessage('beat'), Number(event.data));
});
