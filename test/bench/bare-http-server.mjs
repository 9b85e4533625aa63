// The intake benchmark's ceiling for any HTTP intake on this machine (`--targets http`): a node:http
// server that does no work at all. It reads each request's body, checks nothing, stores nothing and
// answers 202 with a small JSON body, as intake does. Whatever rate the load generator reaches
// against it is the most any Node HTTP intake could answer here.
//
//   node test/bench/bare-http-server.mjs [workers]   (default 1; 2 = one process per core)
//
// It prints `listening http://127.0.0.1:<port> pids <pid,...>` once every worker listens, and exits
// on SIGTERM or SIGINT (its workers with it).
import cluster from 'node:cluster';
import { createServer } from 'node:http';

const workers = Math.max(1, Number(process.argv[2] ?? 1));
const ANSWER = '{"status":"accepted","leadId":"00000000-0000-4000-8000-000000000000"}';

function serve() {
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': ANSWER.length });
      res.end(ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

if (workers === 1) {
  const port = await serve();
  process.stdout.write(`listening http://127.0.0.1:${port} pids ${process.pid}\n`);
} else if (cluster.isPrimary) {
  let listening = 0;
  const pids = [];
  for (let i = 0; i < workers; i += 1) {
    const worker = cluster.fork();
    pids.push(worker.process.pid);
    worker.on('message', (port) => {
      listening += 1;
      // listen(0) in cluster workers shares one port among them.
      if (listening === workers)
        process.stdout.write(`listening http://127.0.0.1:${port} pids ${pids.join(',')}\n`);
    });
  }
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  process.send(await serve());
}
