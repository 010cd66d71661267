#!/usr/bin/env node
// eureka-emu.js: an emulator of the Eureka server's REST API for esra's integration tests,
// plain Node.js with no npm dependencies. It serves the registry as real servers do (XML by
// default, JSON with Accept: application/json, optionally the legacy JSON dialect), keeps
// leases, status overrides and a delta queue, and has a control API under /_emu/ so tests can
// set the registry (with aged leases), inject faults, open a "not ready" (403) window and read
// the log of requests. It never talks to anything but its own clients: no replication, so two
// emulators on different ports are fully independent peers.
//
// Usage: node eureka-emu.js [--port N] [--host ADDR] [--prefix /eureka/] [--auth user:pass]
//          [--legacy-json] [--not-ready-ms N] [--cache-ms N] [--evict] [--delta-retention-ms N]
//          [--quiet] [--tls-cert FILE --tls-key FILE [--tls-ca FILE]]
// With --tls-cert/--tls-key it speaks HTTPS only (control API included); with --tls-ca it
// also requires a client certificate signed by that CA (mutual TLS: no certificate, no
// handshake).
// The first line on stdout is {"port":N} once it listens (--port 0 picks a free port).
//
// Eureka API (under the prefix, e.g. /eureka/):
//   GET apps | apps/delta | apps/{APP} | apps/{APP}/{ID}     POST apps/{APP} (register, 204)
//   PUT apps/{APP}/{ID} (renew, 404 unknown)                  DELETE apps/{APP}/{ID} (cancel)
//   PUT apps/{APP}/{ID}/status?value=S (override)             DELETE apps/{APP}/{ID}/status
//   PUT apps/{APP}/{ID}/metadata?k=v
// Control API (JSON, never authenticated, never faulted, never logged):
//   GET /_emu/ (info, connections and failed TLS handshakes)  GET|PUT|POST|DELETE /_emu/instances  GET|DELETE /_emu/fault
//   POST /_emu/fault {method, path (regex on the path), headers {name: regex}, count (default 1,
//                     0 = forever), status (HTTP code or "close"), delay_ms, body}
//   POST /_emu/not-ready {ms}  GET|DELETE /_emu/requests[?since=SEQ]  DELETE /_emu/cache
//   POST /_emu/config {cache_ms, legacy_json, evict, not_ready_ms}
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {
    port: 0, host: '127.0.0.1', prefix: '/eureka/', auth: null, legacyJson: false,
    notReadyMs: 0, cacheMs: 0, evict: false, deltaRetentionMs: 180000, quiet: false,
    tlsCert: null, tlsKey: null, tlsCa: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(0, eq) : a;
    const val = () => (eq > 0 ? a.slice(eq + 1) : argv[++i]);
    switch (key) {
      case '--port': o.port = Number(val()); break;
      case '--host': o.host = val(); break;
      case '--prefix': o.prefix = val(); break;
      case '--auth': o.auth = val(); break;
      case '--legacy-json': o.legacyJson = true; break;
      case '--not-ready-ms': o.notReadyMs = Number(val()); break;
      case '--cache-ms': o.cacheMs = Number(val()); break;
      case '--evict': o.evict = true; break;
      case '--delta-retention-ms': o.deltaRetentionMs = Number(val()); break;
      case '--quiet': o.quiet = true; break;
      case '--tls-cert': o.tlsCert = val(); break;
      case '--tls-key': o.tlsKey = val(); break;
      case '--tls-ca': o.tlsCa = val(); break;
      case '-h': case '--help':
        process.stdout.write('usage: eureka-emu.js [--port N] [--host ADDR] [--prefix P] ' +
          '[--auth user:pass] [--legacy-json] [--not-ready-ms N] [--cache-ms N] [--evict] ' +
          '[--delta-retention-ms N] [--quiet] [--tls-cert FILE --tls-key FILE [--tls-ca FILE]]\n');
        process.exit(0);
        break;
      default:
        process.stderr.write(`eureka-emu: unknown option ${a}\n`);
        process.exit(2);
    }
  }
  if (!o.tlsCert !== !o.tlsKey || (o.tlsCa && !o.tlsCert)) {
    process.stderr.write('eureka-emu: --tls-cert and --tls-key go together (--tls-ca needs them)\n');
    process.exit(2);
  }
  if (!o.prefix.startsWith('/')) o.prefix = '/' + o.prefix;
  if (!o.prefix.endsWith('/')) o.prefix += '/';
  for (const k of ['port', 'notReadyMs', 'cacheMs', 'deltaRetentionMs']) {
    if (!Number.isFinite(o[k]) || o[k] < 0) {
      process.stderr.write(`eureka-emu: bad value for ${k}\n`);
      process.exit(2);
    }
  }
  return o;
}

const opt = parseArgs(process.argv.slice(2));
const log = (...a) => { if (!opt.quiet) process.stderr.write(`eureka-emu[${process.pid}]: ${a.join(' ')}\n`); };

// ---------------------------------------------------------------- state
const DEFAULT_DC_CLASS = 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo';
const AMAZON_DC_CLASS = 'com.netflix.appinfo.AmazonInfo';
const EMPTY_MAP_CLASS = 'java.util.Collections$EmptyMap';

const st = {
  apps: new Map(),       // APP -> Map(id -> rec); rec = { inst, clientStatus }
  overrides: new Map(),  // id -> status (Eureka keys its override map by instance id)
  changes: [],           // { ts, app, inst (snapshot with actionType) }
  version: 0,            // versions__delta: bumped on every registry change
  notReadyUntil: Date.now() + opt.notReadyMs,
  faults: [],
  faultSeq: 0,
  requests: [],
  reqSeq: 0,
  connections: 0,        // TCP connections accepted
  tlsErrors: 0,          // TLS handshakes that failed (--tls-cert)
  cache: new Map(),
};
const MAX_REQUESTS = 20000;
const MAX_BODY = 16 * 1024 * 1024;

// ---------------------------------------------------------------- helpers
function num(v, d) {
  if (v !== null && typeof v === 'object' && '$' in v) v = v.$;
  if (v === undefined || v === null || v === '') return d;
  const n = Number(v);
  return Number.isFinite(n) ? n : d;
}
function str(v, d) {
  if (v === undefined || v === null) return d;
  if (typeof v === 'object') return d;
  return String(v);
}
function portOf(v, defPort, defEnabled) {
  if (v === undefined || v === null) return { $: defPort, '@enabled': defEnabled };
  if (typeof v === 'object') {
    const en = v['@enabled'] !== undefined ? v['@enabled'] : v.enabled;
    return { $: num(v.$, defPort), '@enabled': en === undefined ? 'true' : String(en) };
  }
  return { $: num(v, defPort), '@enabled': 'true' };
}
function cleanMap(m) {
  const out = {};
  if (!m || typeof m !== 'object') return out;
  for (const [k, v] of Object.entries(m)) {
    if (k === '@class') continue;
    out[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}
function instId(i) {
  if (i.instanceId) return String(i.instanceId);
  const dc = i.dataCenterInfo || {};
  if (dc.name === 'Amazon' && dc.metadata && dc.metadata['instance-id']) return String(dc.metadata['instance-id']);
  return i.hostName ? String(i.hostName) : '';
}
function snapshot(inst, actionType, now) {
  const c = JSON.parse(JSON.stringify(inst));
  if (actionType) { c.actionType = actionType; c.lastUpdatedTimestamp = String(now); }
  return c;
}
function record(app, inst, actionType, now) {
  inst.actionType = actionType;
  inst.lastUpdatedTimestamp = String(now);
  st.changes.push({ ts: now, app, inst: snapshot(inst) });
  st.version++;
}
function effective(rec) {
  const ov = st.overrides.get(rec.inst.instanceId);
  rec.inst.overriddenStatus = ov || 'UNKNOWN';
  rec.inst.status = ov || rec.clientStatus;
}
function lookup(app, id) {
  const a = st.apps.get(app);
  return a ? a.get(id) : undefined;
}
function removeInst(app, id) {
  const a = st.apps.get(app);
  if (!a) return;
  a.delete(id);
  if (a.size === 0) st.apps.delete(app);
}

// Builds an instance from a client's registration (or a control-API instance when keepTimes):
// the JSON shape real servers write. Returns { inst, clientStatus } or { error }.
function buildInstance(src, now, keepTimes, existing) {
  if (!src || typeof src !== 'object') return { error: 'Missing instance' };
  const app = str(src.app, '').toUpperCase();
  const dcIn = src.dataCenterInfo;
  const id = instId(src);
  if (!id) return { error: 'Missing instanceId' };
  if (!str(src.hostName, '')) return { error: 'Missing hostname' };
  if (!str(src.ipAddr, '')) return { error: 'Missing ip address' };
  if (!app) return { error: 'Missing appName' };
  if (!dcIn || typeof dcIn !== 'object') return { error: 'Missing dataCenterInfo' };
  if (!dcIn.name) return { error: 'Missing dataCenterInfo Name' };
  const dc = { '@class': str(dcIn['@class'], dcIn.name === 'Amazon' ? AMAZON_DC_CLASS : DEFAULT_DC_CLASS), name: String(dcIn.name) };
  if (dcIn.metadata && typeof dcIn.metadata === 'object') dc.metadata = cleanMap(dcIn.metadata);
  const li = src.leaseInfo || {};
  const clientStatus = str(src.status, 'UP');
  const t = (v) => (keepTimes ? num(v, undefined) : undefined);
  let serviceUp = t(li.serviceUpTimestamp);
  if (serviceUp === undefined) {
    if (existing && existing.inst.leaseInfo.serviceUpTimestamp) serviceUp = existing.inst.leaseInfo.serviceUpTimestamp;
    else serviceUp = clientStatus === 'UP' ? now : 0;
  }
  const inst = {
    instanceId: id,
    hostName: String(src.hostName),
    app,
    ipAddr: String(src.ipAddr),
    status: clientStatus,
    overriddenStatus: 'UNKNOWN',
    port: portOf(src.port, 7001, 'true'),
    securePort: portOf(src.securePort, 7002, 'false'),
    countryId: num(src.countryId, 1),
    dataCenterInfo: dc,
    leaseInfo: {
      renewalIntervalInSecs: num(li.renewalIntervalInSecs, 30),
      durationInSecs: num(li.durationInSecs, 90),
      registrationTimestamp: t(li.registrationTimestamp) ?? now,
      lastRenewalTimestamp: t(li.lastRenewalTimestamp ?? li.renewalTimestamp) ?? now,
      evictionTimestamp: t(li.evictionTimestamp) ?? 0,
      serviceUpTimestamp: serviceUp,
    },
    metadata: cleanMap(src.metadata),
  };
  for (const k of ['homePageUrl', 'statusPageUrl', 'healthCheckUrl', 'secureHealthCheckUrl', 'vipAddress', 'secureVipAddress']) {
    const v = str(src[k], undefined);
    if (v !== undefined && v !== '') inst[k] = v;
  }
  inst.isCoordinatingDiscoveryServer = String(str(src.isCoordinatingDiscoveryServer, 'false'));
  inst.lastUpdatedTimestamp = String((keepTimes && num(src.lastUpdatedTimestamp, undefined)) || now);
  inst.lastDirtyTimestamp = String(num(src.lastDirtyTimestamp, undefined) || now);
  inst.actionType = keepTimes ? str(src.actionType, 'ADDED') : 'ADDED';
  const ov = str(src.overriddenStatus ?? src.overriddenstatus, 'UNKNOWN');
  return { inst, clientStatus, override: ov !== 'UNKNOWN' ? ov : null };
}

function evictExpired(now) {
  if (!opt.evict) return;
  for (const [app, a] of st.apps) {
    for (const [id, rec] of a) {
      const li = rec.inst.leaseInfo;
      if (now > li.lastRenewalTimestamp + li.durationInSecs * 1000) {
        log(`evict ${app}/${id}`);
        li.evictionTimestamp = now;
        removeInst(app, id);
        st.overrides.delete(id);
        record(app, rec.inst, 'DELETED', now);
      }
    }
  }
}
function pruneChanges(now) {
  while (st.changes.length && st.changes[0].ts < now - opt.deltaRetentionMs) st.changes.shift();
}

// ---------------------------------------------------------------- registry views
function hashcode() {
  const counts = new Map();
  for (const a of st.apps.values()) {
    for (const rec of a.values()) counts.set(rec.inst.status, (counts.get(rec.inst.status) || 0) + 1);
  }
  return [...counts.keys()].sort().map((s) => `${s}_${counts.get(s)}_`).join('');
}
function fullView() {
  const apps = [];
  for (const [name, a] of st.apps) apps.push({ name, instances: [...a.values()].map((r) => r.inst) });
  return { version: 1, hash: hashcode(), apps };
}
function deltaView(now) {
  pruneChanges(now);
  const byApp = new Map();
  for (const c of st.changes) {
    if (!byApp.has(c.app)) byApp.set(c.app, []);
    byApp.get(c.app).push(c.inst);
  }
  return { version: st.version, hash: hashcode(), apps: [...byApp].map(([name, instances]) => ({ name, instances })) };
}

// ---------------------------------------------------------------- renderers
function instJson(i, legacy) {
  const o = {};
  for (const [k, v] of Object.entries(i)) {
    if (k === 'overriddenStatus') o[legacy ? 'overriddenstatus' : 'overriddenStatus'] = v;
    else if (k === 'metadata') o.metadata = Object.keys(v).length ? v : { '@class': EMPTY_MAP_CLASS };
    else o[k] = v;
  }
  return o;
}
// Legacy (pre-1.22-style) JSON: one-element arrays collapsed into the element, numbers as strings.
function legacyize(v) {
  if (Array.isArray(v)) return v.length === 1 ? legacyize(v[0]) : v.map(legacyize);
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = legacyize(x);
    return o;
  }
  return v;
}
function jsonApps(view, legacy) {
  const o = {
    applications: {
      versions__delta: String(view.version),
      apps__hashcode: view.hash,
      application: view.apps.map((a) => ({ name: a.name, instance: a.instances.map((i) => instJson(i, legacy)) })),
    },
  };
  return JSON.stringify(legacy ? legacyize(o) : o);
}
function jsonApp(a, legacy) {
  const o = { application: { name: a.name, instance: a.instances.map((i) => instJson(i, legacy)) } };
  return JSON.stringify(legacy ? legacyize(o) : o);
}
function jsonInst(i, legacy) {
  const o = { instance: instJson(i, legacy) };
  return JSON.stringify(legacy ? legacyize(o) : o);
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c]));
}
function xmlName(k) {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : null;
}
function xmlMap(out, tag, m, ind, cls) {
  const keys = Object.keys(m).filter(xmlName);
  if (!keys.length) {
    out.push(`${ind}<${tag} class="${esc(cls || EMPTY_MAP_CLASS)}"/>`);
    return;
  }
  out.push(`${ind}<${tag}>`);
  for (const k of keys) out.push(`${ind}  <${k}>${esc(m[k])}</${k}>`);
  out.push(`${ind}</${tag}>`);
}
function xmlInst(out, i, ind) {
  const n = ind + '  ';
  const el = (k, v) => out.push(`${n}<${k}>${esc(v)}</${k}>`);
  out.push(`${ind}<instance>`);
  el('instanceId', i.instanceId);
  el('hostName', i.hostName);
  el('app', i.app);
  el('ipAddr', i.ipAddr);
  el('status', i.status);
  el('overriddenstatus', i.overriddenStatus);
  out.push(`${n}<port enabled="${esc(i.port['@enabled'])}">${esc(i.port.$)}</port>`);
  out.push(`${n}<securePort enabled="${esc(i.securePort['@enabled'])}">${esc(i.securePort.$)}</securePort>`);
  el('countryId', i.countryId);
  out.push(`${n}<dataCenterInfo class="${esc(i.dataCenterInfo['@class'])}">`);
  out.push(`${n}  <name>${esc(i.dataCenterInfo.name)}</name>`);
  if (i.dataCenterInfo.metadata) xmlMap(out, 'metadata', i.dataCenterInfo.metadata, n + '  ');
  out.push(`${n}</dataCenterInfo>`);
  out.push(`${n}<leaseInfo>`);
  for (const [k, v] of Object.entries(i.leaseInfo)) out.push(`${n}  <${k}>${esc(v)}</${k}>`);
  out.push(`${n}</leaseInfo>`);
  xmlMap(out, 'metadata', i.metadata, n);
  for (const k of ['homePageUrl', 'statusPageUrl', 'healthCheckUrl', 'secureHealthCheckUrl', 'vipAddress', 'secureVipAddress']) {
    if (i[k] !== undefined) el(k, i[k]);
  }
  el('isCoordinatingDiscoveryServer', i.isCoordinatingDiscoveryServer);
  el('lastUpdatedTimestamp', i.lastUpdatedTimestamp);
  el('lastDirtyTimestamp', i.lastDirtyTimestamp);
  el('actionType', i.actionType);
  out.push(`${ind}</instance>`);
}
function xmlApp(out, a, ind) {
  out.push(`${ind}<application>`);
  out.push(`${ind}  <name>${esc(a.name)}</name>`);
  for (const i of a.instances) xmlInst(out, i, ind + '  ');
  out.push(`${ind}</application>`);
}
function xmlApps(view) {
  const out = ['<applications>', `  <versions__delta>${view.version}</versions__delta>`,
    view.hash ? `  <apps__hashcode>${esc(view.hash)}</apps__hashcode>` : '  <apps__hashcode></apps__hashcode>'];
  for (const a of view.apps) xmlApp(out, a, '  ');
  out.push('</applications>');
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------- a small XML reader (registration bodies)
function parseXml(s) {
  let i = 0;
  const fail = (m) => { throw new Error(`XML: ${m} at ${i}`); };
  const decode = (t) => t.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e];
  });
  const skipMisc = () => {
    for (;;) {
      while (i < s.length && /\s/.test(s[i])) i++;
      if (s.startsWith('<?', i)) { const e = s.indexOf('?>', i); if (e < 0) fail('unterminated PI'); i = e + 2; }
      else if (s.startsWith('<!--', i)) { const e = s.indexOf('-->', i); if (e < 0) fail('unterminated comment'); i = e + 3; }
      else if (s.startsWith('<!', i)) fail('DOCTYPE not accepted');
      else return;
    }
  };
  const element = () => {
    if (s[i] !== '<') fail('expected <');
    i++;
    const m = /^[^\s/>]+/.exec(s.slice(i, i + 256));
    if (!m) fail('bad tag name');
    const name = m[0];
    i += name.length;
    const attrs = {};
    for (;;) {
      while (/\s/.test(s[i] || '')) i++;
      if (s.startsWith('/>', i)) { i += 2; return { name, attrs, children: [], text: '' }; }
      if (s[i] === '>') { i++; break; }
      const am = /^([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/.exec(s.slice(i, i + 65536));
      if (!am) fail('bad attribute');
      attrs[am[1].replace(/^.*:/, '')] = decode(am[3] !== undefined ? am[3] : am[4]);
      i += am[0].length;
    }
    const children = [];
    let text = '';
    for (;;) {
      if (i >= s.length) fail(`unterminated <${name}>`);
      if (s.startsWith('</', i)) {
        const e = s.indexOf('>', i);
        if (e < 0 || s.slice(i + 2, e).trim() !== name) fail(`mismatched </${s.slice(i + 2, e)}> for <${name}>`);
        i = e + 1;
        break;
      }
      if (s.startsWith('<!--', i)) { const e = s.indexOf('-->', i); if (e < 0) fail('unterminated comment'); i = e + 3; continue; }
      if (s.startsWith('<![CDATA[', i)) { const e = s.indexOf(']]>', i); if (e < 0) fail('unterminated CDATA'); text += s.slice(i + 9, e); i = e + 3; continue; }
      if (s[i] === '<') { children.push(element()); continue; }
      const e = s.indexOf('<', i);
      text += decode(s.slice(i, e < 0 ? s.length : e));
      i = e < 0 ? s.length : e;
    }
    return { name, attrs, children, text };
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i < s.length) fail('content after the root element');
  return root;
}
// Element -> the JSON shape Eureka's JSON codec uses (attributes as "@name", text as "$").
function xmlToObj(el) {
  const attrs = Object.entries(el.attrs);
  if (!el.children.length) {
    if (!attrs.length) return el.text.trim();
    const o = { $: el.text.trim() };
    for (const [k, v] of attrs) o['@' + k] = v;
    return o;
  }
  const o = {};
  for (const [k, v] of attrs) o['@' + k] = v;
  for (const c of el.children) o[c.name] = xmlToObj(c);
  return o;
}

// ---------------------------------------------------------------- HTTP plumbing
function send(res, status, body, ctype, extra) {
  const h = Object.assign({}, extra || {});
  if (body !== undefined && body !== null && status !== 204) {
    h['Content-Type'] = ctype || 'text/plain';
    h['Content-Length'] = Buffer.byteLength(body);
  } else {
    body = undefined;
    if (status !== 204) h['Content-Length'] = 0;
  }
  res.writeHead(status, h);
  res.end(body);
  return status;
}
function sendJson(res, status, obj) {
  return send(res, status, JSON.stringify(obj) + '\n', 'application/json');
}
function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
      if (n > MAX_BODY) { reject(new Error('body too large')); req.destroy(); return; }
      parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const LOGGED_HEADERS = ['accept', 'accept-encoding', 'content-type', 'authorization', 'user-agent',
  'x-netflix-discovery-replication', 'discoveryidentity-name', 'discoveryidentity-version', 'discoveryidentity-id'];

function wantsJson(req) {
  return /application\/json/i.test(req.headers.accept || '');
}
function checkAuth(req) {
  if (!opt.auth) return true;
  const m = /^Basic\s+(\S+)/i.exec(req.headers.authorization || '');
  return !!m && Buffer.from(m[1], 'base64').toString('utf8') === opt.auth;
}

// ---------------------------------------------------------------- Eureka API
function serveList(req, res, key, legacy, build) {
  const now = Date.now();
  if (opt.cacheMs > 0) {
    const c = st.cache.get(key);
    if (c && now - c.t <= opt.cacheMs) return send(res, c.status, c.body, c.ctype);
  }
  const r = build();
  if (opt.cacheMs > 0) st.cache.set(key, Object.assign({ t: now }, r));
  return send(res, r.status, r.body, r.ctype);
}

async function eureka(req, res, segs, query, body) {
  const now = Date.now();
  evictExpired(now);
  const m = req.method;
  const json = wantsJson(req);
  const legacy = opt.legacyJson;
  const ctype = json ? 'application/json' : 'application/xml';
  const key = `${m} ${segs.join('/')} ${json ? 'json' : 'xml'} ${legacy}`;
  if (segs.length === 0 || (segs.length === 1 && segs[0] === 'delta')) {
    if (m !== 'GET') return send(res, 405, 'Method Not Allowed');
    if (now < st.notReadyUntil) return send(res, 403, '');
    const isDelta = segs.length === 1;
    // With --cache-ms a list response is served from a cache up to that old, whatever changed
    // through the Eureka API meanwhile (as the server's read-only cache does); changes made
    // through the control API, and DELETE /_emu/cache, drop the cache.
    return serveList(req, res, key, legacy, () => {
      const v = isDelta ? deltaView(now) : fullView();
      return { status: 200, body: json ? jsonApps(v, legacy) : xmlApps(v), ctype };
    });
  }
  const app = segs[0].toUpperCase();
  if (segs.length === 1) {
    if (m === 'GET') {
      return serveList(req, res, key, legacy, () => {
        const a = st.apps.get(app);
        if (!a) return { status: 404, body: '', ctype: 'text/plain' };
        const v = { name: app, instances: [...a.values()].map((r) => r.inst) };
        if (json) return { status: 200, body: jsonApp(v, legacy), ctype };
        const out = [];
        xmlApp(out, v, '');
        return { status: 200, body: out.join('\n') + '\n', ctype };
      });
    }
    if (m === 'POST') {
      let src;
      try {
        if (/^\s*</.test(body)) {
          const root = parseXml(body);
          if (root.name !== 'instance') return send(res, 400, `expected <instance>, got <${root.name}>`);
          src = xmlToObj(root);
        } else {
          const o = JSON.parse(body);
          src = o && o.instance ? o.instance : o;
        }
      } catch (e) {
        return send(res, 400, `cannot parse instance: ${e.message}`);
      }
      const existing = lookup(app, instId(src || {}));
      const b = buildInstance(src, now, false, existing);
      if (b.error) return send(res, 400, b.error);
      if (b.inst.app !== app) return send(res, 400, `Mismatched appName, expecting ${app} but was ${b.inst.app}`);
      if (existing) b.inst.leaseInfo.serviceUpTimestamp = existing.inst.leaseInfo.serviceUpTimestamp || b.inst.leaseInfo.serviceUpTimestamp;
      if (!st.apps.has(app)) st.apps.set(app, new Map());
      const rec = { inst: b.inst, clientStatus: b.clientStatus };
      st.apps.get(app).set(b.inst.instanceId, rec);
      effective(rec);
      record(app, rec.inst, 'ADDED', now);
      log(`register ${app}/${b.inst.instanceId} ${b.inst.ipAddr} ${rec.inst.status}`);
      return send(res, 204);
    }
    return send(res, 405, 'Method Not Allowed');
  }
  const id = segs[1];
  const rec = lookup(app, id);
  if (segs.length === 2) {
    if (m === 'GET') {
      if (!rec) return send(res, 404, '');
      if (json) return send(res, 200, jsonInst(rec.inst, legacy), ctype);
      const out = [];
      xmlInst(out, rec.inst, '');
      return send(res, 200, out.join('\n') + '\n', ctype);
    }
    if (m === 'PUT') {
      if (!rec) return send(res, 404, '');
      rec.inst.leaseInfo.lastRenewalTimestamp = now;
      if (query.status && !st.overrides.has(id) && rec.clientStatus !== query.status) {
        // The client reports a new status of its own: keep it (an override still wins).
        rec.clientStatus = String(query.status);
        effective(rec);
        record(app, rec.inst, 'MODIFIED', now);
      }
      return send(res, 200, '');
    }
    if (m === 'DELETE') {
      if (!rec) return send(res, 404, '');
      removeInst(app, id);
      st.overrides.delete(id);
      record(app, rec.inst, 'DELETED', now);
      log(`cancel ${app}/${id}`);
      return send(res, 200, '');
    }
    return send(res, 405, 'Method Not Allowed');
  }
  if (segs.length === 3 && segs[2] === 'status') {
    if (!rec) return send(res, 404, '');
    if (m === 'PUT') {
      if (!query.value) return send(res, 400, 'missing value');
      st.overrides.set(id, String(query.value));
    } else if (m === 'DELETE') {
      st.overrides.delete(id);
      if (query.value) rec.clientStatus = String(query.value);
    } else {
      return send(res, 405, 'Method Not Allowed');
    }
    if (query.lastDirtyTimestamp) rec.inst.lastDirtyTimestamp = String(query.lastDirtyTimestamp);
    effective(rec);
    record(app, rec.inst, 'MODIFIED', now);
    log(`${m === 'PUT' ? 'override' : 'remove override'} ${app}/${id} -> ${rec.inst.status}`);
    return send(res, 200, '');
  }
  if (segs.length === 3 && segs[2] === 'metadata' && m === 'PUT') {
    if (!rec) return send(res, 404, '');
    for (const [k, v] of Object.entries(query)) rec.inst.metadata[k] = String(v);
    record(app, rec.inst, 'MODIFIED', now);
    return send(res, 200, '');
  }
  return send(res, 404, '');
}

// ---------------------------------------------------------------- control API
function setInstances(list, replace) {
  const now = Date.now();
  if (!Array.isArray(list)) throw new Error('expected {"instances":[...]} or an array');
  const built = [];
  for (const src of list) {
    const b = buildInstance(src, now, true, undefined);
    if (b.error) throw new Error(b.error);
    built.push(b);
  }
  const keep = new Set(built.map((b) => `${b.inst.app}\n${b.inst.instanceId}`));
  if (replace) {
    for (const [app, a] of [...st.apps]) {
      for (const [id, rec] of [...a]) {
        if (keep.has(`${app}\n${id}`)) continue;
        removeInst(app, id);
        st.overrides.delete(id);
        record(app, rec.inst, 'DELETED', now);
      }
    }
  }
  for (const b of built) {
    const app = b.inst.app;
    const had = lookup(app, b.inst.instanceId);
    if (!st.apps.has(app)) st.apps.set(app, new Map());
    const rec = { inst: b.inst, clientStatus: b.clientStatus };
    st.apps.get(app).set(b.inst.instanceId, rec);
    if (b.override) st.overrides.set(b.inst.instanceId, b.override);
    else st.overrides.delete(b.inst.instanceId);
    effective(rec);
    const at = b.inst.actionType;
    st.changes.push({ ts: now, app, inst: snapshot(rec.inst, had ? 'MODIFIED' : 'ADDED', now) });
    rec.inst.actionType = at;
    st.version++;
  }
  st.cache.clear();
  return built.length;
}
function allInstances() {
  const out = [];
  for (const a of st.apps.values()) for (const r of a.values()) out.push(Object.assign({}, r.inst, { clientStatus: r.clientStatus }));
  return out;
}

async function control(req, res, path, query, body) {
  const m = req.method;
  let o = {};
  if (body && body.trim()) {
    try { o = JSON.parse(body); } catch (e) { return sendJson(res, 400, { error: `bad JSON: ${e.message}` }); }
  }
  try {
    switch (path) {
      case '':
      case 'info':
        return sendJson(res, 200, { port: server.address().port, prefix: opt.prefix, pid: process.pid, options: opt,
          instances: allInstances().length, version: st.version, hashcode: hashcode(),
          connections: st.connections, tls_errors: st.tlsErrors });
      case 'instances':
        if (m === 'GET') return sendJson(res, 200, { instances: allInstances(), apps__hashcode: hashcode() });
        if (m === 'PUT' || m === 'POST') {
          const n = setInstances(Array.isArray(o) ? o : o.instances, m === 'PUT');
          return sendJson(res, 200, { count: n, apps__hashcode: hashcode() });
        }
        if (m === 'DELETE') { setInstances([], true); return sendJson(res, 200, { count: 0 }); }
        break;
      case 'fault':
      case 'faults':
        if (m === 'POST') {
          const f = {
            id: ++st.faultSeq,
            method: o.method ? String(o.method).toUpperCase() : null,
            path: new RegExp(o.path || '.*'),
            pathSrc: o.path || '.*',
            headers: Object.entries(o.headers || {}).map(([k, v]) => [k.toLowerCase(), new RegExp(String(v))]),
            count: o.count === undefined ? 1 : Number(o.count),
            status: o.close ? 'close' : (o.status === undefined ? null : o.status),
            delayMs: Number(o.delay_ms || 0),
            body: o.body === undefined ? '' : String(o.body),
            hits: 0,
          };
          if (f.status !== null && f.status !== 'close' && !(Number(f.status) >= 100 && Number(f.status) < 600)) {
            return sendJson(res, 400, { error: 'status must be an HTTP status or "close"' });
          }
          st.faults.push(f);
          return sendJson(res, 200, { id: f.id });
        }
        if (m === 'GET') return sendJson(res, 200, { faults: st.faults.map((f) => Object.assign({}, f, { path: f.pathSrc, headers: f.headers.map(([k, r]) => [k, r.source]) })) });
        if (m === 'DELETE') { st.faults = []; return sendJson(res, 200, {}); }
        break;
      case 'not-ready':
        if (m === 'POST' || m === 'PUT') {
          st.notReadyUntil = Date.now() + Number(o.ms || 0);
          st.cache.clear();
          return sendJson(res, 200, { until: st.notReadyUntil });
        }
        break;
      case 'requests':
        if (m === 'GET') {
          const since = Number(query.since || 0);
          return sendJson(res, 200, { requests: st.requests.filter((r) => r.seq > since) });
        }
        if (m === 'DELETE') { st.requests = []; return sendJson(res, 200, {}); }
        break;
      case 'cache':
        if (m === 'DELETE') { st.cache.clear(); return sendJson(res, 200, {}); }
        break;
      case 'config':
        if (m === 'POST' || m === 'PUT') {
          if (o.cache_ms !== undefined) opt.cacheMs = Number(o.cache_ms);
          if (o.legacy_json !== undefined) opt.legacyJson = !!o.legacy_json;
          if (o.evict !== undefined) opt.evict = !!o.evict;
          if (o.not_ready_ms !== undefined) st.notReadyUntil = Date.now() + Number(o.not_ready_ms);
          st.cache.clear();
          return sendJson(res, 200, { options: opt });
        }
        break;
      default:
        return sendJson(res, 404, { error: `no control endpoint ${path}` });
    }
  } catch (e) {
    return sendJson(res, 400, { error: e.message });
  }
  return sendJson(res, 405, { error: `${m} not allowed on /_emu/${path}` });
}

// ---------------------------------------------------------------- server
async function handle(req, res) {
  const u = new URL(req.url, 'http://emu');
  const query = Object.fromEntries(u.searchParams);
  let path = u.pathname;
  const body = ['POST', 'PUT', 'DELETE', 'PATCH'].includes(req.method) ? await readBody(req) : '';
  if (path === '/_emu' || path.startsWith('/_emu/')) {
    return control(req, res, path.replace(/^\/_emu\/?/, '').replace(/\/$/, ''), query, body);
  }
  const entry = { seq: ++st.reqSeq, ts: Date.now(), method: req.method, path, query, headers: {}, body: null, status: null,
    remote: req.socket.remoteAddress };
  for (const h of LOGGED_HEADERS) if (req.headers[h] !== undefined) entry.headers[h] = req.headers[h];
  if (req.method !== 'GET' && req.method !== 'HEAD') entry.body = body;
  st.requests.push(entry);
  if (st.requests.length > MAX_REQUESTS) st.requests.splice(0, st.requests.length - MAX_REQUESTS);
  res.on('finish', () => { entry.status = res.statusCode; });
  res.on('close', () => { if (entry.status === null) entry.status = 'closed'; });

  const f = st.faults.find((x) => (!x.method || x.method === req.method) && x.path.test(path) &&
    x.headers.every(([k, r]) => r.test(String(req.headers[k] || ''))));
  if (f) {
    f.hits++;
    entry.fault = f.id;
    if (f.count > 0 && --f.count === 0) st.faults.splice(st.faults.indexOf(f), 1);
    if (f.delayMs > 0) await sleep(f.delayMs);
    if (f.status === 'close') { req.socket.destroy(); return; }
    if (f.status !== null) return send(res, Number(f.status), f.body, 'text/plain');
  }
  if (!checkAuth(req)) return send(res, 401, '', 'text/plain', { 'WWW-Authenticate': 'Basic realm="eureka"' });
  if (!path.startsWith(opt.prefix)) return send(res, 404, '');
  const rest = path.slice(opt.prefix.length).split('/').filter((s) => s !== '');
  if (rest[0] !== 'apps') return send(res, 404, '');
  let segs;
  try { segs = rest.slice(1).map(decodeURIComponent); } catch (e) { return send(res, 400, 'bad path'); }
  return eureka(req, res, segs, query, body);
}

const onRequest = (req, res) => {
  handle(req, res).catch((e) => {
    log(`error: ${e.stack || e}`);
    if (!res.headersSent) send(res, 500, String(e.message || e));
    else res.destroy();
  });
};
const server = opt.tlsCert
  ? https.createServer({
    cert: fs.readFileSync(opt.tlsCert), key: fs.readFileSync(opt.tlsKey),
    ca: opt.tlsCa ? fs.readFileSync(opt.tlsCa) : undefined,
    requestCert: !!opt.tlsCa, rejectUnauthorized: !!opt.tlsCa,
  }, onRequest)
  : http.createServer(onRequest);
// connections and failed handshakes (a client refusing our certificate, or one without a
// client certificate) are counted: a test can tell "refused in TLS" from "never connected"
server.on('connection', () => { st.connections++; });
server.on('tlsClientError', (e) => { st.tlsErrors++; log(`TLS: ${e.code || e.message}`); });
server.keepAliveTimeout = 30000;
server.on('error', (e) => { process.stderr.write(`eureka-emu: ${e.message}\n`); process.exit(1); });
server.listen(opt.port, opt.host, () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
  log(`listening on ${opt.host}:${server.address().port}${opt.prefix}`);
});
setInterval(() => evictExpired(Date.now()), 1000).unref();
const stop = () => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
