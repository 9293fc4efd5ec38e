// model.js — the "新建Workload" form's state and the Job it produces.
//
// toJob() mirrors TKEStack's _handleSubmit/_reduceContainers/_reduceVolumes/
// _reduceNodeAffinityInfo (tkestack-console.md §2–6) key for key and in the same key
// order, so the YAML preview is what TKEStack would submit.  Where the spec and the
// TKEStack code differ, the spec wins (empty tag → ":latest"; env names checked the
// stricter way the product doc describes).  fromJob() is the way back, used when the
// user edits YAML and returns to the form; anything the form cannot hold is reported.

export const DEFAULT_NS = 'default';

export function newProbe() {
  return { enabled: false, method: 'tcp', port: '', path: '', scheme: 'HTTP', cmd: '',
           delay: '0', timeout: '2', period: '3', success: '1', failure: '1' };
}

export function newEnv() {
  return { type: 'value', name: '', value: '', refName: '', refKey: '', fieldPath: 'metadata.name',
           apiVersion: 'v1', resource: 'limits.cpu', divisor: '' };
}

export function newMount() { return { volume: '', mountPath: '', subPath: '', mode: 'rw' }; }

export function newVolume() {
  return { type: 'emptyDir', name: '', hostPath: '', hostPathType: 'DirectoryOrCreate', nfsPath: '',
           configName: '', secretName: '', pvcName: '', items: [] };
}

export function newContainer() {
  return {
    name: '', registry: '', tag: '',
    // TKEStack's initState: request 0.25 core / 256 MiB, limit 0.5 core / 1024 MiB
    cpuRequest: '0.25', cpuLimit: '0.5', memRequest: '256', memLimit: '1024',
    gpuMode: 'none', gpu: '', gpuCore: '', gpuMem: '',
    env: [], mounts: [],
    workingDir: '', logDir: '', logPath: '', cmd: '', arg: '',
    imagePullPolicy: 'Always',
    live: newProbe(), ready: newProbe(),
    privileged: false, capAdd: [], capDrop: [],
  };
}

export function newRule() { return { key: '', operator: 'In', values: '' }; }

export function newState(ns = DEFAULT_NS) {
  return {
    name: '', description: '', labels: [], namespace: ns,
    completions: '1', parallelism: '1', restartPolicy: 'OnFailure',
    volumes: [], containers: [newContainer()],
    imagePullSecrets: [], affinityType: 'none', nodes: [], required: [], preferred: [],
    annotations: [],
    // '' = untouched: TKEStack's reducer default 'Overlay' never equals the enum value
    // 'overlay', so an untouched form carries no network annotation (§3 quirk).
    networkType: '', releasePolicy: 'always',
  };
}

export const CAPABILITIES = ['AUDIT_CONTROL', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'CHOWN', 'DAC_OVERRIDE',
  'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE',
  'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYSLOG', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT',
  'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME',
  'SYS_TTY_CONFIG', 'WAKE_ALARM'];

export const HOSTPATH_TYPES = ['NoChecks', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File',
  'Socket', 'CharDevice', 'BlockDevice'];

export const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

// JSON.parse(JSON.stringify(x)) in TKEStack drops undefined members; so do we.
function prune(o) { return JSON.parse(JSON.stringify(o)); }
const isEmpty = (o) => !o || Object.keys(o).length === 0;
const lines = (s) => s.trim().split('\n');

// "busybox:1.36" or "reg/x@sha256:..." typed into the image box already names a version
function imageRef(registry, tag) {
  const r = registry.trim();
  const last = r.slice(r.lastIndexOf('/') + 1);
  if (r.includes('@') || last.includes(':')) return r + (tag ? `:${tag}` : '');
  return `${r}:${tag.trim() || 'latest'}`;
}

function reduceVolumes(volumes) {
  return volumes.map((v) => {
    const item = { name: v.name };
    const keyItems = (items) => items.map((c) => ({ key: c.key, mode: c.mode ? parseInt(c.mode, 8) : undefined, path: c.path }));
    if (v.type === 'emptyDir') item.emptyDir = {};
    else if (v.type === 'hostPath') item.hostPath = { path: v.hostPath, type: v.hostPathType !== 'NoChecks' ? v.hostPathType : undefined };
    else if (v.type === 'nfs') {
      const i = v.nfsPath.indexOf(':');
      item.nfs = { path: v.nfsPath.slice(i + 1), server: v.nfsPath.slice(0, i) };
    } else if (v.type === 'configMap') {
      item.configMap = { name: v.configName };
      if (v.items.length) item.configMap.items = keyItems(v.items);
    } else if (v.type === 'secret') {
      item.secret = { secretName: v.secretName };
      if (v.items.length) item.secret.items = keyItems(v.items);
    } else if (v.type === 'pvc') item.persistentVolumeClaim = { claimName: v.pvcName };
    return item;
  });
}

function reduceProbe(p) {
  const item = {
    failureThreshold: +p.failure,
    successThreshold: +p.success,
    initialDelaySeconds: p.delay && +p.delay ? +p.delay : undefined,
    timeoutSeconds: p.timeout ? +p.timeout : undefined,
    periodSeconds: p.period ? +p.period : undefined,
  };
  if (p.method === 'tcp') item.tcpSocket = { port: +p.port };
  else if (p.method === 'http') item.httpGet = { path: p.path, port: +p.port, scheme: p.scheme };
  else item.exec = { command: p.cmd.split('\n').map((s) => s.trim()) };
  return item;
}

function reduceContainers(state) {
  const floating = state.networkType === 'floatingip';
  return state.containers.map((c) => {
    const item = { name: c.name, image: imageRef(c.registry, c.tag), imagePullPolicy: c.imagePullPolicy };
    if (c.mounts.length && state.volumes.length) {
      item.volumeMounts = c.mounts.map((m) => ({
        mountPath: m.mountPath, subPath: m.subPath || undefined, name: m.volume,
        readOnly: m.mode === 'rw' ? undefined : true,
      }));
    }
    const gpu = c.gpuMode === 'nvidia' && +c.gpu > 0 ? String(c.gpu) : undefined;
    const core = c.gpuMode === 'vcuda' && +c.gpuCore ? String(Math.round(+c.gpuCore * 100)) : undefined;
    const mem = c.gpuMode === 'vcuda' && +c.gpuMem ? String(+c.gpuMem) : undefined;
    item.resources = {};
    if (c.cpuLimit !== '' || c.memLimit !== '' || gpu || core || mem || floating) {
      item.resources = { limits: {
        cpu: c.cpuLimit || undefined, memory: c.memLimit ? `${c.memLimit}Mi` : undefined,
        'nvidia.com/gpu': gpu, 'tencent.com/vcuda-core': core, 'tencent.com/vcuda-memory': mem,
        'tke.cloud.tencent.com/eni-ip': floating ? '1' : undefined,
      } };
    }
    if (c.cpuRequest !== '' || c.memRequest !== '' || core || mem || floating) {
      item.resources = { ...item.resources, requests: {
        cpu: c.cpuRequest || undefined, memory: c.memRequest ? `${c.memRequest}Mi` : undefined,
        'tencent.com/vcuda-core': core, 'tencent.com/vcuda-memory': mem,
        'tke.cloud.tencent.com/eni-ip': floating ? '1' : undefined,
      } };
    }
    item.env = c.env.map((e) => {
      const env = { name: e.name };
      if (e.type === 'value') env.value = e.value;
      else if (e.type === 'configMap') env.valueFrom = { configMapKeyRef: { key: e.refKey, name: e.refName, optional: false } };
      else if (e.type === 'secret') env.valueFrom = { secretKeyRef: { key: e.refKey, name: e.refName, optional: false } };
      else if (e.type === 'field') env.valueFrom = { fieldRef: { apiVersion: e.apiVersion, fieldPath: e.fieldPath } };
      else if (e.type === 'resource') env.valueFrom = { resourceFieldRef: { containerName: c.name, resource: e.resource, divisor: e.divisor || undefined } };
      return env;
    });
    if (c.workingDir) item.workingDir = c.workingDir;
    if (c.cmd.trim()) item.command = lines(c.cmd);
    if (c.arg.trim()) item.args = lines(c.arg);
    if (c.privileged) item.securityContext = { privileged: true };
    if (c.capAdd.length) {
      item.securityContext = item.securityContext || {};
      item.securityContext.capabilities = { ...(item.securityContext.capabilities || {}), add: [...c.capAdd] };
    }
    if (c.capDrop.length) {
      item.securityContext = item.securityContext || {};
      item.securityContext.capabilities = { ...(item.securityContext.capabilities || {}), drop: [...c.capDrop] };
    }
    if (c.live.enabled) item.livenessProbe = reduceProbe(c.live);
    if (c.ready.enabled) item.readinessProbe = reduceProbe(c.ready);
    return prune(item);
  });
}

function reduceRules(rules) {
  return rules.map((r) => ({ key: r.key, operator: r.operator,
                             values: r.values && !['Exists', 'DoesNotExist'].includes(r.operator) ? r.values.split(';') : undefined }));
}

function reduceAffinity(state) {
  const a = {};
  if (state.affinityType === 'node') {
    a.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [{ matchExpressions: [
      { key: 'kubernetes.io/hostname', operator: 'In', values: [...state.nodes] }] }] };
  } else if (state.affinityType === 'rule') {
    a.preferredDuringSchedulingIgnoredDuringExecution = state.preferred.length
      ? [{ preference: { matchExpressions: reduceRules(state.preferred) }, weight: 1 }] : undefined;
    a.requiredDuringSchedulingIgnoredDuringExecution = state.required.length
      ? { nodeSelectorTerms: [{ matchExpressions: reduceRules(state.required) }] } : undefined;
  }
  return { nodeAffinity: a };
}

export function toJob(state) {
  const labels = { 'qcloud-app': state.name };
  for (const l of state.labels) labels[l.key] = l.value;
  const annotations = {};
  if (state.description) annotations.description = state.description;
  const tplAnnotations = {};
  for (const a of state.annotations) { annotations[a.key] = a.value; tplAnnotations[a.key] = a.value; }
  if (state.networkType === 'overlay' || state.networkType === 'nat') {
    tplAnnotations['k8s.v1.cni.cncf.io/networks'] = 'galaxy-flannel';
  } else if (state.networkType === 'floatingip') {
    tplAnnotations['k8s.v1.cni.cncf.io/networks'] = 'galaxy-k8s-vlan';
    tplAnnotations['k8s.v1.cni.galaxy.io/release-policy'] = state.releasePolicy === 'always' ? '' : state.releasePolicy;
  }
  const logInfo = {};
  for (const c of state.containers) if (c.logPath) logInfo[c.name] = c.logDir + c.logPath;
  if (!isEmpty(logInfo)) tplAnnotations['log.tke.cloud.tencent.com/log-dir'] = JSON.stringify(logInfo);
  const volumes = reduceVolumes(state.volumes);
  return prune({
    kind: 'Job',
    apiVersion: 'batch/v1',
    metadata: { name: state.name, namespace: state.namespace, labels,
                annotations: isEmpty(annotations) ? undefined : annotations },
    spec: {
      template: {
        metadata: { labels, annotations: isEmpty(tplAnnotations) ? undefined : tplAnnotations },
        spec: {
          volumes: volumes.length ? volumes : undefined,
          containers: reduceContainers(state),
          restartPolicy: state.restartPolicy,
          imagePullSecrets: state.imagePullSecrets.length ? state.imagePullSecrets.map((name) => ({ name })) : undefined,
          affinity: state.affinityType !== 'none' ? reduceAffinity(state) : undefined,
          hostNetwork: state.networkType === 'host' ? true : undefined,
        },
      },
      completions: +state.completions,
      parallelism: +state.parallelism,
    },
  });
}

// ------------------------------------------------------------------ YAML → form

function splitImage(image) {
  const at = image.indexOf('@');
  if (at >= 0) return { registry: image, tag: '' };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { registry: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { registry: image, tag: '' };
}

const num = (v) => (v === undefined || v === null ? '' : String(v));
const mib = (q) => (q === undefined ? '' : /^\d+Mi$/.test(q) ? q.slice(0, -2) : String(q));

function probeFrom(p) {
  const s = newProbe();
  if (!p) return s;
  s.enabled = true;
  if (p.tcpSocket) { s.method = 'tcp'; s.port = num(p.tcpSocket.port); }
  else if (p.httpGet) { s.method = 'http'; s.port = num(p.httpGet.port); s.path = p.httpGet.path || ''; s.scheme = p.httpGet.scheme || 'HTTP'; }
  else if (p.exec) { s.method = 'exec'; s.cmd = (p.exec.command || []).join('\n'); }
  s.delay = num(p.initialDelaySeconds ?? 0); s.timeout = num(p.timeoutSeconds ?? '');
  s.period = num(p.periodSeconds ?? ''); s.success = num(p.successThreshold ?? 1);
  s.failure = num(p.failureThreshold ?? 1);
  return s;
}

function rulesFrom(exprs) {
  return (exprs || []).map((e) => ({ key: e.key || '', operator: e.operator || 'In', values: (e.values || []).join(';') }));
}

export function fromJob(job, fallbackNs = DEFAULT_NS) {
  const s = newState(fallbackNs);
  const md = job.metadata || {};
  const spec = job.spec || {};
  const tpl = spec.template || {};
  const tmd = tpl.metadata || {};
  const ps = tpl.spec || {};
  s.name = md.name || '';
  s.namespace = md.namespace || fallbackNs;
  const ann = { ...(md.annotations || {}) };
  s.description = ann.description || '';
  delete ann.description;
  s.labels = Object.entries(md.labels || {}).filter(([k]) => k !== 'qcloud-app').map(([key, value]) => ({ key, value }));
  s.annotations = Object.entries(ann).map(([key, value]) => ({ key, value: String(value) }));
  s.completions = num(spec.completions ?? 1);
  s.parallelism = num(spec.parallelism ?? 1);
  s.restartPolicy = ps.restartPolicy || 'OnFailure';
  s.volumes = (ps.volumes || []).map((v) => {
    const x = newVolume();
    x.name = v.name || '';
    const items = (src) => (src.items || []).map((i) => ({ key: i.key || '', path: i.path || '', mode: i.mode !== undefined ? i.mode.toString(8).padStart(4, '0') : '' }));
    if (v.hostPath) { x.type = 'hostPath'; x.hostPath = v.hostPath.path || ''; x.hostPathType = v.hostPath.type || 'NoChecks'; }
    else if (v.nfs) { x.type = 'nfs'; x.nfsPath = `${v.nfs.server || ''}:${v.nfs.path || ''}`; }
    else if (v.configMap) { x.type = 'configMap'; x.configName = v.configMap.name || ''; x.items = items(v.configMap); }
    else if (v.secret) { x.type = 'secret'; x.secretName = v.secret.secretName || ''; x.items = items(v.secret); }
    else if (v.persistentVolumeClaim) { x.type = 'pvc'; x.pvcName = v.persistentVolumeClaim.claimName || ''; }
    return x;
  });
  const tann = tmd.annotations || {};
  let logDirs = {};
  try { logDirs = JSON.parse(tann['log.tke.cloud.tencent.com/log-dir'] || '{}'); } catch { logDirs = {}; }
  const net = tann['k8s.v1.cni.cncf.io/networks'];
  if (ps.hostNetwork) s.networkType = 'host';
  else if (net === 'galaxy-k8s-vlan') {
    s.networkType = 'floatingip';
    const rp = tann['k8s.v1.cni.galaxy.io/release-policy'];
    s.releasePolicy = rp ? rp : 'always';
  } else if (net === 'galaxy-flannel') s.networkType = 'overlay';
  s.containers = (ps.containers || []).map((c) => {
    const x = newContainer();
    x.name = c.name || '';
    Object.assign(x, splitImage(c.image || ''));
    x.imagePullPolicy = c.imagePullPolicy || 'Always';
    const lim = (c.resources && c.resources.limits) || {};
    const req = (c.resources && c.resources.requests) || {};
    x.cpuLimit = num(lim.cpu); x.cpuRequest = num(req.cpu);
    x.memLimit = mib(lim.memory); x.memRequest = mib(req.memory);
    if (lim['nvidia.com/gpu']) { x.gpuMode = 'nvidia'; x.gpu = num(lim['nvidia.com/gpu']); }
    if (lim['tencent.com/vcuda-core'] || lim['tencent.com/vcuda-memory']) {
      x.gpuMode = 'vcuda';
      x.gpuCore = lim['tencent.com/vcuda-core'] ? String(+lim['tencent.com/vcuda-core'] / 100) : '';
      x.gpuMem = num(lim['tencent.com/vcuda-memory']);
    }
    x.env = (c.env || []).map((e) => {
      const y = newEnv();
      y.name = e.name || '';
      const vf = e.valueFrom;
      if (!vf) { y.type = 'value'; y.value = e.value === undefined ? '' : String(e.value); }
      else if (vf.configMapKeyRef) { y.type = 'configMap'; y.refName = vf.configMapKeyRef.name || ''; y.refKey = vf.configMapKeyRef.key || ''; }
      else if (vf.secretKeyRef) { y.type = 'secret'; y.refName = vf.secretKeyRef.name || ''; y.refKey = vf.secretKeyRef.key || ''; }
      else if (vf.fieldRef) { y.type = 'field'; y.fieldPath = vf.fieldRef.fieldPath || ''; y.apiVersion = vf.fieldRef.apiVersion || 'v1'; }
      else if (vf.resourceFieldRef) { y.type = 'resource'; y.resource = vf.resourceFieldRef.resource || ''; y.divisor = num(vf.resourceFieldRef.divisor); }
      return y;
    });
    x.mounts = (c.volumeMounts || []).map((m) => ({ volume: m.name || '', mountPath: m.mountPath || '', subPath: m.subPath || '', mode: m.readOnly ? 'ro' : 'rw' }));
    x.workingDir = c.workingDir || '';
    x.cmd = (c.command || []).join('\n');
    x.arg = (c.args || []).join('\n');
    if (logDirs[x.name]) {
      const full = logDirs[x.name];
      const base = x.mounts.map((m) => m.mountPath).filter((p) => full.startsWith(p)).sort((a, b) => b.length - a.length)[0];
      x.logDir = base || ''; x.logPath = base ? full.slice(base.length) : full;
    }
    x.live = probeFrom(c.livenessProbe);
    x.ready = probeFrom(c.readinessProbe);
    const sc = c.securityContext || {};
    x.privileged = !!sc.privileged;
    x.capAdd = [...((sc.capabilities && sc.capabilities.add) || [])];
    x.capDrop = [...((sc.capabilities && sc.capabilities.drop) || [])];
    return x;
  });
  if (!s.containers.length) s.containers = [newContainer()];
  s.imagePullSecrets = (ps.imagePullSecrets || []).map((x) => x.name);
  const na = ps.affinity && ps.affinity.nodeAffinity;
  if (na) {
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    const terms = (req && req.nodeSelectorTerms) || [];
    const exprs = terms[0] && terms[0].matchExpressions || [];
    const pref = na.preferredDuringSchedulingIgnoredDuringExecution || [];
    if (!pref.length && exprs.length === 1 && exprs[0].key === 'kubernetes.io/hostname' && exprs[0].operator === 'In') {
      s.affinityType = 'node'; s.nodes = [...(exprs[0].values || [])];
    } else {
      s.affinityType = 'rule';
      s.required = rulesFrom(exprs);
      s.preferred = rulesFrom(pref[0] && pref[0].preference && pref[0].preference.matchExpressions);
    }
  }
  return s;
}

// Deep equality of two JSON values, ignoring key order.
export function sameJSON(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => sameJSON(x, b[i]));
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJSON(a[k], b[k]));
}
