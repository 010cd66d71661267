#!/usr/bin/env node
// docker-logproxy.js: a pass-through HTTP proxy from one unix socket to another (a node's
// docker.sock) that writes "METHOD PATH STATUS" for every request to a log file, so a test
// can see exactly which Docker API calls a client made. Plain Node.js, no dependencies. It
// filters nothing: it only watches.
//
// Usage: node docker-logproxy.js LISTEN_SOCKET UPSTREAM_SOCKET LOG_FILE
// The first line on stdout is {"listening":"LISTEN_SOCKET"} once it accepts connections.
'use strict';

const fs = require('fs');
const http = require('http');

const [listen, upstream, logFile] = process.argv.slice(2);
if (!listen || !upstream || !logFile) {
  process.stderr.write('usage: docker-logproxy.js LISTEN_SOCKET UPSTREAM_SOCKET LOG_FILE\n');
  process.exit(2);
}

const server = http.createServer((req, res) => {
  const up = http.request({ socketPath: upstream, method: req.method, path: req.url, headers: req.headers },
    (r) => {
      fs.appendFileSync(logFile, `${req.method} ${req.url} ${r.statusCode}\n`);
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
  up.on('error', (e) => {
    fs.appendFileSync(logFile, `${req.method} ${req.url} error\n`);
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`docker-logproxy: ${e.message}\n`);
  });
  req.pipe(up);
});
try { fs.unlinkSync(listen); } catch (e) { /* not there */ }
server.on('error', (e) => { process.stderr.write(`docker-logproxy: ${e.message}\n`); process.exit(1); });
server.listen(listen, () => process.stdout.write(JSON.stringify({ listening: listen }) + '\n'));
const stop = () => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
