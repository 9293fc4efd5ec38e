// cluster.mjs — a real `jobd server` on a temp data dir, its REST API, and the test
// acting as a node (as tests/integration/harness.py's Node does): it registers a Ready
// Node, lets the server's scheduler bind pods to it, moves them Pending → Running →
// Succeeded through pods/{name}/status, finishes deletions, and — standing in for the
// agent's log endpoint — serves /containerLogs/... so the server's pods/log proxy and
// the console's follow mode run for real.  A second node has no log endpoint, to show
// the console's error path.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

// agent=false: --disable-agent, the test is the node, so pods land only where the test
// expects.  agent=true: the embedded agent runs real containers; prepare(dataDir) runs
// first (it puts image tarballs into data/images, which the agent imports at start).
// dir/port: start again on the data and port of a server that was stopped.
export async function startServer(bin, { agent = false, prepare = null, extra = [], dir = null, port = 0 } = {}) {
  dir = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'jobd-console-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  if (prepare) await prepare(data);
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const proc = spawn(bin, ['server', '--port', String(port), '--data-dir', data, ...(agent ? [] : ['--disable-agent']), ...extra],
    { stdio: ['ignore', 'pipe', log] });
  port = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: proc.stdout });
    const timer = setTimeout(() => reject(new Error('server did not print LISTENING within 20s')), 20000);
    rl.once('line', (line) => { clearTimeout(timer); const m = line.match(/^LISTENING (\d+)/); if (m) resolve(+m[1]); else reject(new Error(`unexpected: ${line}`)); });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-3000)}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base, dir, proc, port,
    async api(method, p, body, headers = {}) {
      const res = await fetch(base + p, { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
                                          body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = text; }
      return { code: res.status, body: json };
    },
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const code = await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); }, 20000); proc.once('exit', (c) => { clearTimeout(t); r(c); }); });
      return code;
    },
    logText() { try { return fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-4000); } catch { return ''; } },
    cleanup() { fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

// π to 2000 decimals, as `perl -Mbignum=bpi -wle 'print bpi(2000)'` prints it (2000
// significant digits) — computed with Machin's formula so the fixture is not a blob.
export function piDigits(sig = 2000) {
  const guard = 10n;
  const scale = 10n ** BigInt(sig + Number(guard));
  const arctanInv = (x) => {
    const xb = BigInt(x), x2 = xb * xb;
    let term = scale / xb, sum = term, n = 1n, sign = -1n;
    while (term) { term /= x2; const v = term / (2n * n + 1n); sum += sign * v; sign = -sign; n++; }
    return sum;
  };
  const pi = 4n * (4n * arctanInv(5) - arctanInv(239));
  const s = (pi / 10n ** guard).toString();
  return `${s[0]}.${s.slice(1, sig)}`;
}

export class TestNode {
  constructor(srv, name, { serveLogs = true } = {}) {
    this.srv = srv; this.name = name; this.serveLogs = serveLogs;
    this.logs = (pod, container) => `${piDigits()}\n`;  // what "containers" printed
    this.timer = null; this.http = null; this.runningSince = new Map();
  }

  async register() {
    let endpoint = {};
    if (this.serveLogs) {
      this.http = http.createServer((req, res) => this.serveLog(req, res));
      await new Promise((r) => this.http.listen(0, '127.0.0.1', r));
      endpoint = { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: this.name }],
                   daemonEndpoints: { kubeletEndpoint: { Port: this.http.address().port } } };
    }
    const { code, body } = await this.srv.api('POST', '/api/v1/nodes', {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: this.name, labels: { 'kubernetes.io/hostname': this.name } },
      status: { conditions: [{ type: 'Ready', status: 'True' }],
                capacity: { cpu: '8', memory: '16Gi', pods: '110' }, allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
                ...endpoint } });
    if (code !== 201) throw new Error(`node ${this.name} not registered: ${code} ${JSON.stringify(body)}`);
    return this;
  }

  // the agent's log endpoint: GET /containerLogs/{ns}/{pod}/{container}?tailLines&timestamps&follow
  serveLog(req, res) {
    const u = new URL(req.url, 'http://x');
    const m = u.pathname.match(/^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/);
    if (!m) { res.writeHead(404); res.end(); return; }
    let lines = this.logs(m[2], m[3]).split('\n').filter((l, i, a) => i < a.length - 1 || l);
    const tail = +u.searchParams.get('tailLines');
    if (tail > 0) lines = lines.slice(-tail);
    const ts = u.searchParams.get('timestamps') === 'true';
    const stamp = () => new Date().toISOString().replace('Z', '000000Z');
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    for (const l of lines) res.write(`${ts ? `${stamp()} ` : ''}${l}\n`);
    if (u.searchParams.get('follow') !== 'true') { res.end(); return; }
    // follow: a few more lines, then the container "exits" and the stream ends
    let n = 0;
    const iv = setInterval(() => {
      res.write(`${ts ? `${stamp()} ` : ''}follow line ${++n}\n`);
      if (n === 3) { clearInterval(iv); res.end(); }
    }, 150);
    req.on('close', () => clearInterval(iv));
  }

  async pods(ns) {
    const { body } = await this.srv.api('GET', `/api/v1/namespaces/${ns}/pods`);
    return (body && body.items) || [];
  }

  async setStatus(pod, phase, exitCode) {
    for (let i = 0; i < 10; i++) {
      const { code, body: cur } = await this.srv.api('GET', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`);
      if (code !== 200) return code;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const st = cur.status || {};
      const statuses = cur.spec.containers.map((c) => ({
        name: c.name, image: c.image, imageID: '', ready: phase === 'Running', restartCount: 0, started: phase === 'Running',
        state: phase === 'Running' ? { running: { startedAt: now } }
          : { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: st.startTime || now, finishedAt: now } },
      }));
      const ready = phase === 'Running' ? 'True' : 'False';
      cur.status = { ...st, phase, hostIP: '127.0.0.1', podIP: '10.244.0.' + (2 + (this.ip = ((this.ip || 0) + 1) % 250)),
        startTime: st.startTime || now, containerStatuses: statuses,
        conditions: [...(st.conditions || []).filter((c) => c.type === 'PodScheduled'),
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: ready, lastTransitionTime: now },
          { type: 'Ready', status: ready, lastTransitionTime: now }] };
      const r = await this.srv.api('PUT', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, cur);
      if (r.code !== 409) return r.code;
    }
    return 409;
  }

  // A kubelet in a loop: run what is bound here, finish it after runMs with the exit
  // code outcome(pod) gives (0 by default), and complete graceful deletions.
  start(ns, { runMs = 400, outcome = () => 0 } = {}) {
    const tick = async () => {
      for (const p of await this.pods(ns)) {
        if (p.spec.nodeName !== this.name) continue;
        const key = p.metadata.uid;
        if (p.metadata.deletionTimestamp) {
          await this.srv.api('DELETE', `/api/v1/namespaces/${ns}/pods/${p.metadata.name}`, { gracePeriodSeconds: 0 });
          continue;
        }
        const phase = (p.status && p.status.phase) || 'Pending';
        if (phase === 'Pending') { await this.setStatus(p, 'Running'); this.runningSince.set(key, Date.now()); }
        else if (phase === 'Running' && Date.now() - (this.runningSince.get(key) || 0) >= runMs) {
          const code = outcome(p);
          await this.setStatus(p, code === 0 ? 'Succeeded' : 'Failed', code);
        }
      }
    };
    const loop = async () => {
      try { await tick(); } catch { /* the server may be restarting; try again */ }
      if (this.timer !== null) this.timer = setTimeout(loop, 100);
    };
    this.timer = setTimeout(loop, 0);
    return this;
  }

  async stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.http) { this.http.closeAllConnections(); await new Promise((r) => this.http.close(r)); }
  }
}
