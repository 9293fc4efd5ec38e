// validate.js — the form's client-side rules, TKEStack's (validateWorkloadActions.ts,
// tkestack-console.md §2) except env names, which follow the product doc's stricter rule.
// Returns { fieldPath: [messageKey, params] }; the view turns keys into text (i18n.js).

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^[A-Za-z0-9][-A-Za-z0-9_./]*?[A-Za-z0-9]$/;
const LABEL_VALUE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ANNOTATION_KEY = /^([A-Za-z0-9][-A-Za-z0-9_./]*)?[A-Za-z0-9]$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DIR = /^\/(?:[a-zA-Z0-9-_.]+\/?)*$/;
const CPU = /^\d+(\.\d{1,3})?$/;
const INT = /^\d+$/;
const NFS = /^[^:\s/]+:\/\S*$/;

function intIn(v, lo, hi) { return INT.test(String(v)) && +v >= lo && +v <= hi; }

export function validate(s) {
  const e = {};
  const err = (path, key, params) => { if (!e[path]) e[path] = [key, params || {}]; };

  if (!s.name) err('name', 'v.required');
  else if (s.name.length > 63 || !NAME.test(s.name)) err('name', 'v.workloadName');
  if (s.description.length > 1000) err('description', 'v.description');

  const seenLabel = new Set();
  s.labels.forEach((l, i) => {
    if (!LABEL_KEY.test(l.key)) err(`labels.${i}.key`, 'v.labelKey');
    else if (seenLabel.has(l.key) || l.key === 'qcloud-app') err(`labels.${i}.key`, 'v.duplicate');
    seenLabel.add(l.key);
    if (!LABEL_VALUE.test(l.value)) err(`labels.${i}.value`, 'v.labelValue');
  });
  if (!s.namespace) err('namespace', 'v.required');
  if (!INT.test(s.completions) || +s.completions < 1) err('completions', 'v.positiveInt');
  if (!INT.test(s.parallelism) || +s.parallelism < 1) err('parallelism', 'v.positiveInt');

  const mounted = new Set(s.containers.flatMap((c) => c.mounts.map((m) => m.volume)));
  const seenVol = new Set(), seenPvc = new Set();
  s.volumes.forEach((v, i) => {
    const p = `volumes.${i}`;
    if (!v.name) err(`${p}.name`, 'v.required');
    else if (v.name.length > 63 || !DNS_LABEL.test(v.name)) err(`${p}.name`, 'v.dnsLabel');
    else if (seenVol.has(v.name)) err(`${p}.name`, 'v.duplicate');
    else if (!mounted.has(v.name)) err(`${p}.name`, 'v.volumeUnmounted');
    seenVol.add(v.name);
    if (v.type === 'hostPath' && !/^\//.test(v.hostPath)) err(`${p}.hostPath`, 'v.hostPath');
    if (v.type === 'nfs' && !NFS.test(v.nfsPath)) err(`${p}.nfsPath`, 'v.nfs');
    if (v.type === 'configMap' && !v.configName) err(`${p}.configName`, 'v.required');
    if (v.type === 'secret' && !v.secretName) err(`${p}.secretName`, 'v.required');
    if (v.type === 'pvc') {
      if (!v.pvcName) err(`${p}.pvcName`, 'v.required');
      else if (seenPvc.has(v.pvcName)) err(`${p}.pvcName`, 'v.duplicate');
      seenPvc.add(v.pvcName);
    }
    if (v.type === 'configMap' || v.type === 'secret') {
      v.items.forEach((it, j) => {
        if (!it.key) err(`${p}.items.${j}.key`, 'v.required');
        if (!it.path || it.path.startsWith('/') || it.path.split('/').includes('..')) err(`${p}.items.${j}.path`, 'v.itemPath');
        if (it.mode && !/^0?[0-7]{3}$/.test(it.mode)) err(`${p}.items.${j}.mode`, 'v.mode');
      });
    }
  });

  const seenCtr = new Set();
  s.containers.forEach((c, i) => {
    const p = `containers.${i}`;
    if (!c.name) err(`${p}.name`, 'v.required');
    else if (c.name.length > 63 || !DNS_LABEL.test(c.name)) err(`${p}.name`, 'v.dnsLabel');
    else if (seenCtr.has(c.name)) err(`${p}.name`, 'v.duplicate');
    seenCtr.add(c.name);
    if (!c.registry.trim()) err(`${p}.image`, 'v.required');
    else if (/\s/.test(c.registry.trim()) || /\s|:/.test(c.tag.trim())) err(`${p}.image`, 'v.image');

    for (const [k, v] of [['cpuRequest', c.cpuRequest], ['cpuLimit', c.cpuLimit]]) {
      if (v !== '' && (!CPU.test(v) || +v < 0.01)) err(`${p}.${k}`, 'v.cpu');
    }
    if (c.cpuRequest !== '' && c.cpuLimit !== '' && !e[`${p}.cpuRequest`] && !e[`${p}.cpuLimit`] && +c.cpuRequest > +c.cpuLimit) err(`${p}.cpuRequest`, 'v.requestLeLimit');
    if (c.memLimit !== '' && (!INT.test(c.memLimit) || +c.memLimit < 4)) err(`${p}.memLimit`, 'v.memLimit');
    if (c.memRequest !== '' && (!INT.test(c.memRequest) || +c.memRequest < 1)) err(`${p}.memRequest`, 'v.memRequest');
    if (c.memRequest !== '' && c.memLimit !== '' && !e[`${p}.memRequest`] && !e[`${p}.memLimit`] && +c.memRequest > +c.memLimit) err(`${p}.memRequest`, 'v.requestLeLimit');
    if (c.gpuMode === 'nvidia' && c.gpu !== '' && !intIn(c.gpu, 0, 100)) err(`${p}.gpu`, 'v.gpu');
    if (c.gpuMode === 'vcuda') {
      const core = c.gpuCore;
      if (core !== '' && !(INT.test(core) || (/^0\.\d+$/.test(core) && +core >= 0.1 && +core <= 1))) err(`${p}.gpuCore`, 'v.gpuCore');
      if (c.gpuMem !== '' && !INT.test(c.gpuMem)) err(`${p}.gpuMem`, 'v.integer');
    }

    const seenEnv = new Set();
    c.env.forEach((ev, j) => {
      const q = `${p}.env.${j}`;
      if (!ev.name) err(`${q}.name`, 'v.required');
      else if (!ENV_NAME.test(ev.name)) err(`${q}.name`, 'v.envName');
      else if (seenEnv.has(ev.name)) err(`${q}.name`, 'v.duplicate');
      seenEnv.add(ev.name);
      if ((ev.type === 'configMap' || ev.type === 'secret') && !ev.refName) err(`${q}.refName`, 'v.required');
      if ((ev.type === 'configMap' || ev.type === 'secret') && !ev.refKey) err(`${q}.refKey`, 'v.required');
      if (ev.type === 'field' && !ev.fieldPath) err(`${q}.fieldPath`, 'v.required');
      if (ev.type === 'resource' && !ev.resource) err(`${q}.resource`, 'v.required');
    });

    const seenMount = new Set();
    c.mounts.forEach((m, j) => {
      const q = `${p}.mounts.${j}`;
      if (!m.volume) err(`${q}.volume`, 'v.required');
      else if (!s.volumes.some((v) => v.name === m.volume)) err(`${q}.volume`, 'v.noSuchVolume');
      if (!m.mountPath) err(`${q}.mountPath`, 'v.required');
      else if (m.mountPath.includes(':') || !m.mountPath.startsWith('/')) err(`${q}.mountPath`, 'v.mountPath');
      else if (seenMount.has(m.mountPath)) err(`${q}.mountPath`, 'v.duplicate');
      seenMount.add(m.mountPath);
    });

    if (c.workingDir && !DIR.test(c.workingDir)) err(`${p}.workingDir`, 'v.dir');
    if (c.logPath) {
      if (!c.logDir) err(`${p}.logDir`, 'v.logDirNeedsMount');
      else if (!DIR.test(c.logDir + c.logPath)) err(`${p}.logPath`, 'v.dir');
    }

    for (const kind of ['live', 'ready']) {
      const pr = c[kind];
      if (!pr.enabled) continue;
      const q = `${p}.${kind}`;
      if (pr.method !== 'exec' && !intIn(pr.port, 1, 65535)) err(`${q}.port`, 'v.port');
      if (pr.method === 'http' && pr.path && !pr.path.startsWith('/')) err(`${q}.path`, 'v.httpPath');
      if (pr.method === 'exec' && !pr.cmd.trim()) err(`${q}.cmd`, 'v.required');
      if (!intIn(pr.delay, 0, 60)) err(`${q}.delay`, 'v.range', { lo: 0, hi: 60 });
      if (!intIn(pr.timeout, 2, 60)) err(`${q}.timeout`, 'v.range', { lo: 2, hi: 60 });
      if (!INT.test(pr.period) || +pr.period >= 300 || +pr.period <= +pr.timeout) err(`${q}.period`, 'v.period');
      if (kind === 'live' && pr.success !== '1') err(`${q}.success`, 'v.liveSuccess');
      if (kind === 'ready' && !intIn(pr.success, 1, 10)) err(`${q}.success`, 'v.range', { lo: 1, hi: 10 });
      if (!intIn(pr.failure, 1, 10)) err(`${q}.failure`, 'v.range', { lo: 1, hi: 10 });
    }
  });

  const seenSecret = new Set();
  s.imagePullSecrets.forEach((n, i) => {
    if (!n) err(`imagePullSecrets.${i}`, 'v.required');
    else if (seenSecret.has(n)) err(`imagePullSecrets.${i}`, 'v.duplicate');
    seenSecret.add(n);
  });
  if (s.affinityType === 'node' && !s.nodes.length) err('nodes', 'v.pickNode');
  if (s.affinityType === 'rule') {
    if (!s.required.length && !s.preferred.length) err('affinity', 'v.addRule');
    for (const kind of ['required', 'preferred']) {
      s[kind].forEach((r, i) => {
        const q = `${kind}.${i}`;
        if (!r.key) err(`${q}.key`, 'v.required');
        const needs = !['Exists', 'DoesNotExist'].includes(r.operator);
        if (needs && !r.values) err(`${q}.values`, 'v.required');
        if ((r.operator === 'Gt' || r.operator === 'Lt') && r.values && !/^-?\d+$/.test(r.values)) err(`${q}.values`, 'v.gtlt');
      });
    }
  }
  const seenAnn = new Set();
  s.annotations.forEach((a, i) => {
    if (!ANNOTATION_KEY.test(a.key)) err(`annotations.${i}.key`, 'v.annotationKey');
    else if (seenAnn.has(a.key) || a.key === 'description') err(`annotations.${i}.key`, 'v.duplicate');
    seenAnn.add(a.key);
  });
  return e;
}
