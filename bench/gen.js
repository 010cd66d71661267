#!/usr/bin/env node
// gen.js: writes the benchmark world into DIR, shaped like real payloads: a Eureka registry
// of INSTANCES instances in APPS apps (apps.json and apps.xml, ~1 KB per instance), a Docker
// Engine API 1.41 view of SERVICES services with TASKS tasks at ~1.6 KB each (the full task
// Spec, status, network attachment, as dockerd writes them), a hosts file for dnsmasq
// (svcN -> VIP, tasks.svcN -> the task IPs), and the findings planted in that world:
//   POISONED names svcN whose DNS answer also holds an address nothing live has,
//   STALE instances whose ipAddr no task has (and whose hostName is no container);
// expected.txt lists them as esra's finding ids, one a line, sorted.
// Usage: node bench/gen.js DIR [--instances 10000] [--apps 2000] [--services 2000]
//                              [--tasks 20000] [--poisoned SERVICES/100] [--stale INSTANCES/1000]
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) { console.error('usage: gen.js DIR [--instances N] [--apps N] [--services N] [--tasks N]'); process.exit(2); }
const opt = (name, def) => { const i = args.indexOf('--' + name); return i > 0 ? parseInt(args[i + 1], 10) : def; };
const INSTANCES = opt('instances', 10000), APPS = opt('apps', 2000);
const SERVICES = opt('services', 2000), TASKS = opt('tasks', 20000);
const POISONED = opt('poisoned', Math.floor(SERVICES / 100)), STALE = opt('stale', Math.floor(INSTANCES / 1000));
// planted findings spread evenly over the world
const poisoned = new Set(), stale = new Set();
for (let i = 0; i < POISONED; i++) poisoned.add(Math.floor(i * SERVICES / POISONED));
for (let i = 0; i < STALE; i++) stale.add(Math.floor(i * INSTANCES / STALE) + 1 < INSTANCES ? Math.floor(i * INSTANCES / STALE) + 1 : 0);
const expected = [];
fs.mkdirSync(dir, { recursive: true });

const NET = 'benchnet0000000000000000a';
const now = Date.now();
const iso = (ms) => new Date(ms).toISOString().replace('Z', '123456Z');
// service k: VIP 10.(1+k>>8).(k&255).1 ... tasks in 10.128.0.0/9 by task number
const vip = (k) => `10.${1 + (k >> 8)}.${k & 255}.1`;
const taskIp = (t) => `10.${128 + (t >> 16)}.${(t >> 8) & 255}.${t & 255}`;
const hex = (n, len) => { let s = ''; let x = n * 2654435761 >>> 0; while (s.length < len) { s += (x >>> 0).toString(16).padStart(8, '0'); x = (x * 1103515245 + 12345) >>> 0; } return s.slice(0, len); };

// ---------------------------------------------------------------- Eureka
// stale instance i: an address in 10.127.0.0/16 (no task there) and a hostName no container has
const staleIp = (i) => `10.127.${(i >> 8) & 255}.${i & 255}`;
const xmlEsc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const toXml = (tag, v) => {
  if (Array.isArray(v)) return v.map((e) => toXml(tag, e)).join('');
  if (v !== null && typeof v === 'object') {
    let attrs = '', body = '';
    for (const [k, x] of Object.entries(v)) {
      if (k === '$') body += xmlEsc(x);
      else if (k[0] === '@') attrs += ` ${k.slice(1)}="${xmlEsc(x)}"`;
      else body += toXml(k, x);
    }
    return `<${tag}${attrs}>${body}</${tag}>`;
  }
  return `<${tag}>${xmlEsc(v)}</${tag}>`;
};
{
  const out = fs.openSync(path.join(dir, 'apps.json'), 'w');
  const xml = fs.openSync(path.join(dir, 'apps.xml'), 'w');
  fs.writeSync(out, '{"applications":{"versions__delta":"1","apps__hashcode":"UP_' + INSTANCES + '_","application":[');
  fs.writeSync(xml, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<applications><versions__delta>1</versions__delta><apps__hashcode>UP_' + INSTANCES + '_</apps__hashcode>');
  let inst = 0;
  for (let a = 0; a < APPS; a++) {
    const n = Math.floor(INSTANCES / APPS) + (a < INSTANCES % APPS ? 1 : 0);
    const name = 'SVC' + (a % SERVICES);
    const list = [];
    for (let i = 0; i < n; i++, inst++) {
      const bad = stale.has(inst);
      const cid = hex(bad ? inst + 1 + 0x40000000 : inst + 1, 12);
      const ip = bad ? staleIp(inst) : taskIp(inst % TASKS);
      const id = `${cid}:svc${a % SERVICES}:8080`;
      if (bad) expected.push(`stale_instance:${name}/${id}`);
      list.push({
        instanceId: id, hostName: cid, app: name, ipAddr: ip,
        status: 'UP', overriddenStatus: 'UNKNOWN',
        port: { '$': 8080, '@enabled': 'true' }, securePort: { '$': 443, '@enabled': 'false' },
        countryId: 1,
        dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
        leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90, registrationTimestamp: now - 86400000,
          lastRenewalTimestamp: now - 5000, evictionTimestamp: 0, serviceUpTimestamp: now - 86400000 },
        metadata: { 'management.port': '8080', zone: 'primary', 'git.commit': hex(inst + 7, 40) },
        homePageUrl: `http://${ip}:8080/`, statusPageUrl: `http://${ip}:8080/actuator/info`,
        healthCheckUrl: `http://${ip}:8080/actuator/health`, vipAddress: `svc${a % SERVICES}`,
        secureVipAddress: `svc${a % SERVICES}`, isCoordinatingDiscoveryServer: 'false',
        lastUpdatedTimestamp: String(now - 86400000), lastDirtyTimestamp: String(now - 86400000),
        actionType: 'ADDED',
      });
    }
    fs.writeSync(out, (a ? ',' : '') + JSON.stringify({ name, instance: list }));
    fs.writeSync(xml, toXml('application', { name, instance: list.map((x) => {
      const { overriddenStatus, ...rest } = x; // XML spells it overriddenstatus
      return { ...rest, overriddenstatus: overriddenStatus };
    }) }));
  }
  fs.writeSync(out, ']}}');
  fs.writeSync(xml, '</applications>\n');
  fs.closeSync(out);
  fs.closeSync(xml);
}

// ---------------------------------------------------------------- Docker
const write = (name, obj) => fs.writeFileSync(path.join(dir, name), JSON.stringify(obj));
write('version.json', { Platform: { Name: '' }, Version: '20.10.24', ApiVersion: '1.41', MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64' });
write('info.json', { ID: 'BENCH', Name: 'bench1', ServerVersion: '20.10.24',
  Swarm: { NodeID: 'benchnode1', NodeAddr: '127.0.0.1', LocalNodeState: 'active', ControlAvailable: true, Error: '', Nodes: 1, Managers: 1 } });
write('nodes.json', [{ ID: 'benchnode1', Description: { Hostname: 'bench1' }, Spec: { Role: 'manager', Availability: 'active' },
  Status: { State: 'ready', Addr: '127.0.0.1' }, ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '127.0.0.1:2377' } }]);
const services = [];
for (let k = 0; k < SERVICES; k++) {
  services.push({ ID: 'svcid' + String(k).padStart(20, '0'), Version: { Index: 100 + k }, CreatedAt: iso(now - 86400000), UpdatedAt: iso(now - 86400000),
    Spec: { Name: 'svc' + k, Labels: { 'com.docker.stack.namespace': 'bench' },
      TaskTemplate: { ContainerSpec: { Image: 'registry.example.com/team/svc@sha256:' + hex(k, 64), Env: ['SPRING_PROFILES_ACTIVE=prod', 'EUREKA_URL=http://eureka:8761/eureka/'], Init: false, StopGracePeriod: 10000000000, DNSConfig: {}, Isolation: 'default' },
        Resources: { Limits: { MemoryBytes: 536870912 }, Reservations: {} }, RestartPolicy: { Condition: 'any', Delay: 5000000000, MaxAttempts: 0 },
        Placement: { Constraints: ['node.role==worker'] }, Networks: [{ Target: NET, Aliases: ['svc' + k] }], ForceUpdate: 0, Runtime: 'container' },
      Mode: { Replicated: { Replicas: TASKS / SERVICES } }, EndpointSpec: { Mode: 'vip' } },
    Endpoint: { Spec: { Mode: 'vip' }, VirtualIPs: [{ NetworkID: NET, Addr: vip(k) + '/9' }] },
    ServiceStatus: { RunningTasks: TASKS / SERVICES, DesiredTasks: TASKS / SERVICES, CompletedTasks: 0 } });
}
write('services.json', services);
{
  const out = fs.openSync(path.join(dir, 'tasks.json'), 'w');
  fs.writeSync(out, '[');
  for (let t = 0; t < TASKS; t++) {
    const k = t % SERVICES;
    const task = { ID: 'task' + String(t).padStart(21, '0'), Version: { Index: 1000 + t }, CreatedAt: iso(now - 86000000), UpdatedAt: iso(now - 86000000),
      Labels: {}, Spec: services[k].Spec.TaskTemplate, ServiceID: services[k].ID, Slot: Math.floor(t / SERVICES) + 1, NodeID: 'benchnode1',
      Status: { Timestamp: iso(now - 86000000), State: 'running', Message: 'started', ContainerStatus: { ContainerID: hex(t + 1, 64), PID: 1000 + t, ExitCode: 0 }, PortStatus: {} },
      DesiredState: 'running',
      NetworksAttachments: [{ Network: { ID: NET, Version: { Index: 17 }, CreatedAt: iso(now - 90000000), UpdatedAt: iso(now - 90000000),
        Spec: { Name: 'benchnet', Labels: {}, DriverConfiguration: { Name: 'overlay' }, Attachable: true, IPAMOptions: { Driver: { Name: 'default' } }, Scope: 'swarm' },
        DriverState: { Name: 'overlay', Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097' } },
        IPAMOptions: { Driver: { Name: 'default' }, Configs: [{ Subnet: '10.0.0.0/8', Gateway: '10.0.0.1' }] } }, Addresses: [taskIp(t) + '/8'] }] };
    fs.writeSync(out, (t ? ',' : '') + JSON.stringify(task));
  }
  fs.writeSync(out, ']');
  fs.closeSync(out);
}
write('networks.json', [{ Name: 'benchnet', Id: NET, Created: iso(now - 90000000), Scope: 'swarm', Driver: 'overlay', EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '10.0.0.0/8', Gateway: '10.0.0.1' }] }, Internal: false, Attachable: true, Ingress: false, Containers: null, Options: {}, Labels: {} }]);
write('network-verbose.json', { Name: 'benchnet', Id: NET, Scope: 'swarm', Driver: 'overlay', IPAM: { Driver: 'default', Config: [{ Subnet: '10.0.0.0/8', Gateway: '10.0.0.1' }] },
  Ingress: false, Attachable: true, Containers: {}, Services: {} });
write('containers.json', []);
// ---------------------------------------------------------------- DNS
// hosts (dnsmasq --addn-hosts) and dns.rules (esra-fakedns -f): the same answers. A poisoned
// name also answers an address in 10.126.0.0/16, which nothing in the world has.
{
  const lines = [], rules = [];
  for (let k = 0; k < SERVICES; k++) {
    const tasks = [];
    for (let t = k; t < TASKS; t += SERVICES) tasks.push(taskIp(t));
    const v = [vip(k)];
    if (poisoned.has(k)) {
      v.push(`10.126.${(k >> 8) & 255}.${k & 255}`);
      expected.push(`poisoned_name:svc${k}`);
    }
    for (const a of v) lines.push(`${a} svc${k}`);
    for (const a of tasks) lines.push(`${a} tasks.svc${k}`);
    rules.push(`svc${k} A ${v.join(' ')} ttl=600`, `tasks.svc${k} A ${tasks.join(' ')} ttl=600`);
  }
  fs.writeFileSync(path.join(dir, 'hosts'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'dns.rules'), rules.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'expected.txt'), expected.sort().join('\n') + (expected.length ? '\n' : ''));
}
for (const f of fs.readdirSync(dir)) console.log(f.padEnd(22), (fs.statSync(path.join(dir, f)).size / 1048576).toFixed(1), 'MiB');
