#!/usr/bin/env node
// js-client.js: one service instance driven by the real eureka-js-client (npm, 4.5.0), for
// esra's integration tests: registers, heartbeats every --interval ms, fetches the registry,
// re-registers when a heartbeat gets 404 (as the client does), and deregisters on SIGTERM or
// SIGINT before exiting. Never used in production: it only stands in for a Spring service.
//
// Options (each also as an environment variable, args win):
//   --host EUREKA_HOST (127.0.0.1)    --port EUREKA_PORT (8761)   --service-path EUREKA_SERVICE_PATH (/eureka/apps/)
//   --app APP (required)              --ip IP (127.0.0.1)          --hostname HOSTNAME (= ip)
//   --instance-id INSTANCE_ID (hostname:app:port)                 --app-port APP_PORT (8080)
//   --vip VIP (app, lower case)       --interval INTERVAL (heartbeat ms, 30000)
//   --fetch-interval FETCH_INTERVAL (registry fetch ms, = interval)  --delta (shouldUseDelta)
//   --user EUREKA_USER --password EUREKA_PASSWORD (basic auth)    --duration DURATION (lease s, 90)
//   --metadata k=v (repeatable)
// Prints one JSON line per event on stdout: {"event":"registered"|"heartbeat"|"registry"|
// "deregistered"|"error", ...}.
'use strict';

const path = require('path');

function parse(argv) {
  const env = process.env;
  const o = {
    host: env.EUREKA_HOST || '127.0.0.1',
    port: Number(env.EUREKA_PORT || 8761),
    servicePath: env.EUREKA_SERVICE_PATH || '/eureka/apps/',
    app: env.APP || '',
    ip: env.IP || '127.0.0.1',
    hostName: env.HOSTNAME_OVERRIDE || env.INSTANCE_HOSTNAME || '',
    instanceId: env.INSTANCE_ID || '',
    appPort: Number(env.APP_PORT || 8080),
    vip: env.VIP || '',
    interval: Number(env.INTERVAL || 30000),
    fetchInterval: Number(env.FETCH_INTERVAL || 0),
    delta: env.DELTA === '1' || env.DELTA === 'true',
    user: env.EUREKA_USER || '',
    password: env.EUREKA_PASSWORD || '',
    duration: Number(env.DURATION || 90),
    metadata: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const k = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const v = () => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : argv[++i]);
    switch (k) {
      case '--host': o.host = v(); break;
      case '--port': o.port = Number(v()); break;
      case '--service-path': o.servicePath = v(); break;
      case '--app': o.app = v(); break;
      case '--ip': o.ip = v(); break;
      case '--hostname': o.hostName = v(); break;
      case '--instance-id': o.instanceId = v(); break;
      case '--app-port': o.appPort = Number(v()); break;
      case '--vip': o.vip = v(); break;
      case '--interval': o.interval = Number(v()); break;
      case '--fetch-interval': o.fetchInterval = Number(v()); break;
      case '--delta': o.delta = true; break;
      case '--user': o.user = v(); break;
      case '--password': o.password = v(); break;
      case '--duration': o.duration = Number(v()); break;
      case '--metadata': { const kv = v(); const e = kv.indexOf('='); o.metadata[kv.slice(0, e)] = kv.slice(e + 1); break; }
      default:
        process.stderr.write(`js-client: unknown argument ${a}\n`);
        process.exit(2);
    }
  }
  if (!o.app) { process.stderr.write('js-client: --app (or APP) is required\n'); process.exit(2); }
  if (!o.hostName) o.hostName = o.ip;
  if (!o.instanceId) o.instanceId = `${o.hostName}:${o.app.toLowerCase()}:${o.appPort}`;
  if (!o.vip) o.vip = o.app.toLowerCase();
  if (!o.fetchInterval) o.fetchInterval = o.interval;
  return o;
}

const o = parse(process.argv.slice(2));
let Eureka;
try {
  ({ Eureka } = require(path.join(__dirname, 'node_modules', 'eureka-js-client')));
} catch (e) {
  process.stderr.write('js-client: eureka-js-client missing: run scripts/deps.sh (npm ci in tests/emulator)\n');
  process.exit(2);
}

const out = (ev) => process.stdout.write(JSON.stringify(Object.assign({ ts: Date.now() }, ev)) + '\n');
const quiet = () => {};
const logger = {
  level: quiet, debug: quiet, info: (...a) => process.stderr.write(`js-client: ${a.join(' ')}\n`),
  warn: (...a) => process.stderr.write(`js-client: WARN ${a.map(String).join(' ')}\n`),
  error: (...a) => process.stderr.write(`js-client: ERROR ${a.map(String).join(' ')}\n`),
};

const client = new Eureka({
  logger,
  shouldUseDelta: o.delta,
  requestMiddleware: (req, done) => {
    if (o.user) req.auth = { user: o.user, pass: o.password };
    done(req);
  },
  instance: {
    app: o.app,
    instanceId: o.instanceId,
    hostName: o.hostName,
    ipAddr: o.ip,
    port: { $: o.appPort, '@enabled': 'true' },
    vipAddress: o.vip,
    statusPageUrl: `http://${o.hostName}:${o.appPort}/actuator/info`,
    healthCheckUrl: `http://${o.hostName}:${o.appPort}/actuator/health`,
    homePageUrl: `http://${o.hostName}:${o.appPort}/`,
    leaseInfo: { renewalIntervalInSecs: Math.max(1, Math.round(o.interval / 1000)), durationInSecs: o.duration },
    metadata: o.metadata,
    dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
  },
  eureka: {
    host: o.host,
    port: o.port,
    servicePath: o.servicePath,
    heartbeatInterval: o.interval,
    registryFetchInterval: o.fetchInterval,
    maxRetries: 0,
    requestRetryDelay: 200,
  },
});

client.on('registered', () => out({ event: 'registered', app: o.app, instanceId: o.instanceId, ip: o.ip }));
client.on('heartbeat', () => out({ event: 'heartbeat' }));
client.on('registryUpdated', () => {
  const apps = Object.keys(client.cache.app);
  out({ event: 'registry', apps, instances: apps.reduce((n, a) => n + client.cache.app[a].length, 0) });
});
client.on('deregistered', () => out({ event: 'deregistered' }));
client.start((err) => { if (err) out({ event: 'error', phase: 'start', message: String(err.message || err) }); });

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(1), 5000);
  client.stop((err) => {
    if (err) out({ event: 'error', phase: 'stop', message: String(err.message || err) });
    clearTimeout(timer);
    process.exit(err ? 1 : 0);
  });
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
