// The desktop's heartbeat timer (agent.js, startHeartbeat): a worker's timers keep their pace in a
// background tab, where Chrome slows the page's own. A file of Pronto's, not a blob: URL, so the
// page's Content-Security-Policy needs no exception for it.
let timer;
self.addEventListener('message', (event) => {
  clearInterval(timer);
  timer = setInterval(() => self.postMessage('beat'), Number(event.data));
});
