// format.js — how Job state reads in the console: kubectl 1.32's STATUS/COMPLETIONS/
// DURATION/AGE columns (which TKEStack's list lacks), plus small time helpers.

export function parseTime(s) { return s ? Date.parse(s) : NaN; }

// kubectl's short duration: 45s, 3m20s, 5h10m, 3d4h
export function shortDuration(ms) {
  if (!(ms >= 0)) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 60) return `${m}m`;
  const hr = Math.floor(m / 60);
  if (hr < 8) return m % 60 ? `${hr}h${m % 60}m` : `${hr}h`;
  if (hr < 48) return `${hr}h`;
  const d = Math.floor(hr / 24);
  return hr % 24 && d < 8 ? `${d}d${hr % 24}h` : `${d}d`;
}

export function age(ts, now = Date.now()) { return shortDuration(now - parseTime(ts)); }

export function localTime(ts) {
  if (!ts) return '-';
  const d = new Date(ts);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const cond = (job, type) => (job.status && job.status.conditions || []).find((c) => c.type === type && c.status === 'True');

// { phase: 'Complete'|'Failed'|'Suspended'|'Running'|'Terminating'|'Pending', reason }
export function jobStatus(job) {
  const st = job.status || {};
  if (job.metadata.deletionTimestamp) return { phase: 'Terminating', reason: '' };
  let c;
  if ((c = cond(job, 'Complete'))) return { phase: 'Complete', reason: c.reason || '' };
  if ((c = cond(job, 'Failed'))) return { phase: 'Failed', reason: c.reason || '', message: c.message || '' };
  if ((c = cond(job, 'FailureTarget'))) return { phase: 'Failing', reason: c.reason || '', message: c.message || '' };
  if ((c = cond(job, 'SuccessCriteriaMet'))) return { phase: 'Completing', reason: c.reason || '' };
  if ((c = cond(job, 'Suspended')) || (job.spec && job.spec.suspend)) return { phase: 'Suspended', reason: (c && c.reason) || '' };
  if (!st.startTime && !st.active) return { phase: 'Pending', reason: '' };
  return { phase: 'Running', reason: '' };
}

export function completions(job) {
  const want = job.spec && job.spec.completions;
  const got = (job.status && job.status.succeeded) || 0;
  return want === undefined || want === null ? `${got}/1 of ${job.spec.parallelism ?? 1}` : `${got}/${want}`;
}

export function jobDuration(job, now = Date.now()) {
  const st = job.status || {};
  const start = parseTime(st.startTime);
  if (!start) return '-';
  const end = st.completionTime ? parseTime(st.completionTime) : now;
  return shortDuration(end - start);
}

// "0-2,5" → [0,1,2,5]
export function parseIndexes(s) {
  const out = [];
  for (const part of (s || '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b === undefined ? a : b); i++) out.push(i);
  }
  return out;
}

export function podExit(pod) {
  // "0", "1 (Error)", several containers joined by ", "
  return (pod.status && pod.status.containerStatuses || []).map((cs) => {
    const t = (cs.state && cs.state.terminated) || (cs.lastState && cs.lastState.terminated);
    return t ? `${t.exitCode}${t.reason && t.reason !== 'Completed' ? ` (${t.reason})` : ''}` : null;
  }).filter((x) => x !== null).join(', ') || '-';
}

export function podRestarts(pod) {
  return (pod.status && pod.status.containerStatuses || []).reduce((n, cs) => n + (cs.restartCount || 0), 0);
}

export function podPhase(pod) {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const st = pod.status || {};
  for (const cs of st.containerStatuses || []) {
    if (cs.state && cs.state.waiting && cs.state.waiting.reason && cs.state.waiting.reason !== 'ContainerCreating') return cs.state.waiting.reason;
  }
  return st.phase || 'Pending';
}
