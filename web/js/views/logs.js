// logs.js — a pod's container log: pick pod and container (finished pods included,
// since a Job keeps them), tail 100/200/500/1000 (TKEStack's TailList), follow live
// over a chunked response (not TKEStack's polling), timestamps, download.  When the
// server cannot serve logs it answers with a Status; its message is shown as is.

import { streamLines, paths, query } from '../api.js';
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { setQuery } from '../main.js';

const TAILS = [100, 200, 500, 1000];
const MAX_LINES = 5000;   // keep the page responsive on a long follow

export function createLogViewer({ ns, getPods, initialPod, initialContainer }) {
  const opts = { pod: initialPod || '', container: initialContainer || '', tail: 100, follow: false, timestamps: false, previous: false };
  let ctrl = null;
  let lines = [];
  const podSel = h('select', { id: 'log-pod' });
  const ctrSel = h('select', { id: 'log-container' });
  const tailSel = h('select', { id: 'log-tail' }, TAILS.map((n) => h('option', { value: n }, t('logs.tailN', { n }))));
  const followCb = h('input', { type: 'checkbox', id: 'log-follow' });
  const tsCb = h('input', { type: 'checkbox', id: 'log-timestamps' });
  const prevCb = h('input', { type: 'checkbox', id: 'log-previous' });
  const out = h('pre', { class: 'log-output', id: 'log-output', tabindex: '0', 'aria-label': t('logs.output'), 'aria-live': 'off' });
  const status = h('div', { class: 'log-status', id: 'log-status', role: 'status' });
  const dl = h('button', { type: 'button', class: 'btn', id: 'log-download', onclick: download }, t('logs.download'));
  const reload = h('button', { type: 'button', class: 'btn', id: 'log-reload', onclick: () => load() }, t('logs.reload'));

  const el = h('div', { class: 'logs' },
    h('div', { class: 'toolbar log-toolbar' },
      h('label', { for: 'log-pod' }, t('logs.pod')), podSel,
      h('label', { for: 'log-container' }, t('logs.container')), ctrSel,
      h('label', { for: 'log-tail' }, t('logs.tail')), tailSel,
      h('label', { class: 'check' }, followCb, t('logs.follow')),
      h('label', { class: 'check' }, tsCb, t('logs.timestamps')),
      h('label', { class: 'check' }, prevCb, t('logs.previous')),
      reload, dl),
    status, out);

  function podList() {
    return [...getPods()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  function refreshChoices() {
    const pods = podList();
    if (!opts.pod || !pods.some((p) => p.metadata.name === opts.pod)) opts.pod = pods.length ? pods[0].metadata.name : '';
    clear(podSel);
    for (const p of pods) podSel.append(h('option', { value: p.metadata.name, selected: p.metadata.name === opts.pod }, `${p.metadata.name} (${(p.status && p.status.phase) || 'Pending'})`));
    const pod = pods.find((p) => p.metadata.name === opts.pod);
    const ctrs = pod ? [...(pod.spec.initContainers || []).map((c) => c.name), ...pod.spec.containers.map((c) => c.name)] : [];
    if (!ctrs.includes(opts.container)) opts.container = pod ? pod.spec.containers[0].name : '';
    clear(ctrSel);
    for (const c of ctrs) ctrSel.append(h('option', { value: c, selected: c === opts.container }, c));
    podSel.disabled = !pods.length; ctrSel.disabled = !ctrs.length;
    return pods.length > 0;
  }

  function paintLines() {
    out.textContent = lines.join('\n') + (lines.length ? '\n' : '');
    if (opts.follow) out.scrollTop = out.scrollHeight;
  }

  async function load() {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const mine = ctrl;
    lines = [];
    paintLines();
    if (!refreshChoices()) { clear(status).append(h('p', { class: 'state-empty' }, t('logs.noPods'))); return; }
    setQuery({ pod: opts.pod, container: opts.container });
    clear(status).append(h('p', { class: 'pending' }, opts.follow ? t('logs.following') : t('logs.loading')));
    const url = paths.podLog(ns, opts.pod) + query({ container: opts.container, tailLines: opts.tail,
      timestamps: opts.timestamps ? 'true' : undefined, follow: opts.follow ? 'true' : undefined, previous: opts.previous ? 'true' : undefined });
    let pending = false;
    try {
      await streamLines(url, (line) => {
        lines.push(line);
        if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
        // batch repaints: a fast follow delivers many lines per frame
        if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; paintLines(); }); }
      }, mine.signal);
      if (mine.signal.aborted) return;
      paintLines();
      clear(status).append(h('p', { class: 'ok' }, lines.length ? t(opts.follow ? 'logs.streamEnded' : 'logs.shown', { n: lines.length }) : t('logs.empty')));
    } catch (e) {
      if (mine.signal.aborted) return;
      clear(status).append(h('div', { class: 'state state-error', role: 'alert', id: 'log-error' },
        h('p', {}, t('logs.failed', { pod: opts.pod, container: opts.container })),
        h('p', { class: 'server-msg' }, `${e.code ? `${e.code} ${e.reason}: ` : ''}${e.message}`)));
    }
  }

  function download() {
    const blob = new Blob([lines.join('\n') + '\n'], { type: 'text/plain' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `${opts.pod}_${opts.container}.log` });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  podSel.addEventListener('change', () => { opts.pod = podSel.value; opts.container = ''; load(); });
  ctrSel.addEventListener('change', () => { opts.container = ctrSel.value; load(); });
  tailSel.addEventListener('change', () => { opts.tail = +tailSel.value; load(); });
  followCb.addEventListener('change', () => { opts.follow = followCb.checked; load(); });
  tsCb.addEventListener('change', () => { opts.timestamps = tsCb.checked; load(); });
  prevCb.addEventListener('change', () => { opts.previous = prevCb.checked; load(); });

  return {
    el,
    start: load,
    // pods changed (watch): keep the selection, just refresh the choices
    preselect(pod) { opts.pod = pod; opts.container = ''; },
    podsChanged() { if (!opts.pod) load(); else refreshChoices(); },
    stop() { if (ctrl) ctrl.abort(); },
  };
}

