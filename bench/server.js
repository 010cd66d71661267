#!/usr/bin/env node
// server.js: serves the payloads bench/gen.js wrote, from memory, on 127.0.0.1: the Docker
// Engine API paths esra reads (any /vX.Y prefix) and Eureka's GET /eureka/apps/ (XML when
// the request accepts application/xml and not JSON). Prints the port on stdout.
// Usage: node bench/server.js DIR [PORT]
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const dir = process.argv[2];
const load = (f) => fs.readFileSync(path.join(dir, f));
const files = {
  '/version': load('version.json'), '/info': load('info.json'), '/nodes': load('nodes.json'),
  '/services': load('services.json'), '/tasks': load('tasks.json'),
  '/networks': load('networks.json'), '/containers/json': load('containers.json'),
  '/eureka/apps': load('apps.json'),
};
const verbose = load('network-verbose.json');
const appsXml = load('apps.xml');
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let p = url.pathname.replace(/^\/v1\.\d+/, '').replace(/\/$/, '');
  let body = files[p];
  let type = 'application/json';
  if (!body && p.startsWith('/networks/')) body = verbose;
  const accept = req.headers.accept || '';
  if (p === '/eureka/apps' && /xml/.test(accept) && !/json/.test(accept)) { body = appsXml; type = 'application/xml'; }
  if (!body) { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{"message":"not found"}'); return; }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(parseInt(process.argv[3] || '0', 10), '127.0.0.1', () => console.log(server.address().port));
