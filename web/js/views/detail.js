// detail.js — one Job: TKEStack's tabs (详情, Pod管理, 事件, 日志, YAML) with what they
// lack: conditions with reasons, all counters, exit codes, and an index grid for
// Indexed Jobs.  The Job, its pods and the namespace's events are watched live.

import { ListWatch, paths } from '../api.js';
import { h, clear, loading, empty, errorBox } from '../dom.js';
import { t } from '../i18n.js';
import { dump } from '../yaml.js';
import { age, completions, jobDuration, localTime, parseIndexes, podExit, podPhase, podRestarts } from '../format.js';
import { createUrl, jobsUrl, jobUrl, navigate, setCrumbs, setQuery } from '../main.js';
import { draftFrom } from './create.js';
import { deleteJob } from './actions.js';
import { labelChips, statusBadge } from './list.js';
import { createLogViewer } from './logs.js';

const TABS = ['info', 'pods', 'events', 'logs', 'yaml'];
// per-container rows (TKEStack's expandable pod rows): which pods are open survives
// repaints and a language switch
const openPods = new Set();

export function render(root, { ns, name, query }) {
  setCrumbs([[ns, jobsUrl(ns)], [t('jobs'), jobsUrl(ns)], [name, null]]);
  let tab = TABS.includes(query.get('tab')) ? query.get('tab') : 'info';
  let job = null, jobState = 'loading', jobErr = null, gone = false;
  let pods = [], events = [];
  let podsLW = null;
  const logViewer = createLogViewer({ ns, getPods: () => pods, initialPod: query.get('pod'), initialContainer: query.get('container') });
  let logsStarted = false;

  const head = h('div', { class: 'page-head' });
  const staleBox = h('div', { role: 'status' });   // the live connection broke: say so
  const tabBar = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('d.sections') });
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', tabindex: '0' });
  root.append(head, staleBox, tabBar, panel);
  const setStale = (msg) => { clear(staleBox); if (msg) staleBox.append(h('p', { class: 'stale' }, t('watchBroken', { msg }))); };

  const tabButtons = TABS.map((k) => h('button', { type: 'button', role: 'tab', id: `tab-${k}`, class: 'tab', 'aria-controls': 'tabpanel',
    onclick: () => selectTab(k),
    onkeydown: (e) => {
      // arrow keys move between tabs (WAI-ARIA tabs pattern)
      const i = TABS.indexOf(k);
      const j = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
      if (j >= 0) { e.preventDefault(); selectTab(TABS[j]); tabButtons[j].focus(); }
    } }, t(`d.tab.${k}`)));
  tabBar.append(...tabButtons);
  panel.id = 'tabpanel';

  function selectTab(k) {
    tab = k;
    setQuery({ tab: k === 'info' ? null : k, pod: k === 'logs' ? undefined : null, container: k === 'logs' ? undefined : null });
    paint();
  }

  function paintHead() {
    clear(head).append(
      h('h1', {}, name, ' ', job ? statusBadge(job) : null),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', id: 'copy-job', disabled: !job,
          onclick: () => { draftFrom(job); navigate(createUrl(ns)); } }, t('d.copy')), ' ',
        h('button', { type: 'button', class: 'btn btn-danger', id: 'delete-job', disabled: !job || gone,
          onclick: async () => { if (await deleteJob(ns, name)) navigate(jobsUrl(ns)); } }, t('delete'))));
  }

  function paint() {
    paintHead();
    tabButtons.forEach((b, i) => { const sel = TABS[i] === tab; b.setAttribute('aria-selected', String(sel)); b.tabIndex = sel ? 0 : -1; });
    panel.setAttribute('aria-labelledby', `tab-${tab}`);
    if (tab !== 'logs') { logViewer.stop(); logsStarted = false; }
    if (tab === 'logs') {
      if (!panel.contains(logViewer.el)) clear(panel).append(logViewer.el);
      if (!logsStarted && job) { logsStarted = true; logViewer.start(); }
      return;
    }
    clear(panel);
    if (gone) { panel.append(empty(t('d.gone', { name }), h('a', { class: 'btn', href: jobsUrl(ns), 'data-link': '' }, t('d.backToList')))); return; }
    if (jobState === 'loading') { panel.append(loading(t('loading'))); return; }
    if (jobState === 'error') { panel.append(errorBox(t('loadFailed', { msg: jobErr.message }))); return; }
    if (!job) { panel.append(empty(t('d.notFound', { name, ns }), h('a', { class: 'btn', href: jobsUrl(ns), 'data-link': '' }, t('d.backToList')))); return; }
    panel.append({ info, pods: podsTab, events: eventsTab, yaml: yamlTab }[tab]());
  }

  const dl = (rows) => h('dl', { class: 'props' }, rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === undefined || v === null || v === '' ? '-' : v)]));

  function info() {
    const sp = job.spec, st = job.status || {}, md = job.metadata, ps = sp.template.spec;
    const conds = st.conditions || [];
    return h('div', { class: 'info' },
      h('section', {}, h('h2', {}, t('d.spec')), dl([
        [t('col.name'), md.name], [t('namespace'), md.namespace],
        [t('f.description'), (md.annotations || {}).description],
        [t('col.labels'), labelChips(md.labels)],
        [t('d.selector'), labelChips(sp.selector && sp.selector.matchLabels)],
        [t('f.completions'), sp.completions ?? '-'], [t('f.parallelism'), sp.parallelism ?? '-'],
        [t('d.completionMode'), sp.completionMode || 'NonIndexed'], [t('d.backoffLimit'), sp.backoffLimit],
        [t('f.restartPolicy'), ps.restartPolicy],
        sp.activeDeadlineSeconds !== undefined ? [t('d.deadline'), `${sp.activeDeadlineSeconds}s`] : null,
        sp.ttlSecondsAfterFinished !== undefined ? [t('d.ttl'), `${sp.ttlSecondsAfterFinished}s`] : null,
        [t('d.suspend'), sp.suspend ? t('yes') : t('no')],
        [t('d.images'), h('span', { class: 'chips' }, ps.containers.map((c) => h('code', { class: 'chip' }, `${c.name}: ${c.image}`)))],
      ])),
      h('section', {}, h('h2', {}, t('d.status')), dl([
        [t('col.completions'), completions(job)],
        [t('d.succeeded'), st.succeeded || 0], [t('d.failed'), st.failed || 0], [t('d.active'), st.active || 0],
        [t('d.ready'), st.ready ?? 0], [t('d.terminating'), st.terminating ?? 0],
        [t('d.created'), localTime(md.creationTimestamp)], [t('d.started'), localTime(st.startTime)],
        [t('d.completed'), localTime(st.completionTime)], [t('col.duration'), jobDuration(job)],
      ])),
      sp.completionMode === 'Indexed' ? indexGrid() : null,
      h('section', {}, h('h2', {}, t('d.conditions')),
        conds.length ? h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, ['type', 'status', 'reason', 'message', 'lastTransition'].map((c) => h('th', { scope: 'col' }, t(`d.c.${c}`))))),
          h('tbody', {}, conds.map((c) => h('tr', {}, h('td', {}, c.type), h('td', {}, c.status), h('td', {}, c.reason || '-'),
            h('td', { class: 'msg' }, c.message || '-'), h('td', {}, localTime(c.lastTransitionTime))))))
          : h('p', { class: 'muted' }, t('d.noConditions'))));
  }

  function indexGrid() {
    const n = job.spec.completions || 0;
    const done = new Set(parseIndexes(job.status && job.status.completedIndexes));
    const failed = new Set(parseIndexes(job.status && job.status.failedIndexes));
    const running = new Set(pods.filter((p) => ['Running', 'Pending'].includes(p.status && p.status.phase) && !p.metadata.deletionTimestamp)
      .map((p) => +((p.metadata.annotations || {})['batch.kubernetes.io/job-completion-index'])));
    const cells = [];
    for (let i = 0; i < n && i < 2000; i++) {
      const s = done.has(i) ? 'succeeded' : failed.has(i) ? 'failed' : running.has(i) ? 'running' : 'pending';
      cells.push(h('li', { class: `idx idx-${s}`, title: `${i}: ${t(`idx.${s}`)}`, 'aria-label': `${i}: ${t(`idx.${s}`)}` }, String(i)));
    }
    return h('section', {}, h('h2', {}, t('d.indexes')),
      h('p', { class: 'legend' }, ['succeeded', 'failed', 'running', 'pending'].map((s) => h('span', { class: `idx idx-${s}` }, t(`idx.${s}`)))),
      h('ul', { class: 'index-grid', id: 'index-grid' }, cells));
  }

  function containerRows(p) {
    const st = p.status || {};
    const statuses = new Map((st.containerStatuses || []).map((cs) => [cs.name, cs]));
    return h('table', { class: 'table inner' },
      h('thead', {}, h('tr', {}, ['container', 'image', 'state', 'exit', 'restarts', 'started', 'finished'].map((c) => h('th', { scope: 'col' }, t(`pc.${c}`))))),
      h('tbody', {}, p.spec.containers.map((c) => {
        const cs = statuses.get(c.name) || {};
        const s = cs.state || {};
        const term = s.terminated || (cs.lastState && cs.lastState.terminated);
        const state = s.running ? 'Running' : s.terminated ? `Terminated${s.terminated.reason ? ` (${s.terminated.reason})` : ''}`
          : s.waiting ? `Waiting${s.waiting.reason ? ` (${s.waiting.reason})` : ''}` : '-';
        return h('tr', {},
          h('td', {}, c.name), h('td', {}, h('code', {}, c.image)),
          h('td', { title: (s.waiting && s.waiting.message) || (s.terminated && s.terminated.message) || null }, state),
          h('td', { class: 'num' }, term ? String(term.exitCode) : '-'), h('td', { class: 'num' }, cs.restartCount || 0),
          h('td', {}, localTime((s.running && s.running.startedAt) || (term && term.startedAt))),
          h('td', {}, localTime(term && term.finishedAt)));
      })));
  }

  function podsTab() {
    if (!pods.length) return empty(t('d.noPods'));
    const sorted = [...pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    return h('table', { class: 'table', id: 'pods-table' },
      h('thead', {}, h('tr', {}, ['name', 'phase', 'node', 'ip', 'restarts', 'exit', 'started', 'age', 'operations'].map((c) => h('th', { scope: 'col' }, t(`p.${c}`))))),
      h('tbody', {}, sorted.flatMap((p) => {
        const st = p.status || {};
        const phase = podPhase(p);
        const pn = p.metadata.name;
        const isOpen = openPods.has(pn);
        const row = h('tr', { 'data-pod': pn },
          h('td', {}, h('button', { type: 'button', class: 'linkish expander', 'aria-expanded': String(isOpen), 'aria-controls': `ctr-${pn}`,
            title: t('d.containers'), onclick: () => { if (isOpen) openPods.delete(pn); else openPods.add(pn); paint(); document.querySelector(`tr[data-pod="${CSS.escape(pn)}"] .expander`).focus(); } },
            h('span', { 'aria-hidden': 'true' }, isOpen ? '▾ ' : '▸ '), pn)),
          h('td', {}, h('span', { class: `badge badge-${phase.toLowerCase()}` }, phase)),
          h('td', {}, p.spec.nodeName || '-'), h('td', {}, st.podIP || '-'),
          h('td', { class: 'num' }, podRestarts(p)), h('td', { class: 'num' }, podExit(p)),
          h('td', {}, localTime(st.startTime)), h('td', { class: 'num' }, age(p.metadata.creationTimestamp)),
          h('td', {}, h('a', { href: `${jobUrl(ns, name, 'logs')}&pod=${encodeURIComponent(pn)}`, class: 'btn btn-small',
            onclick: (e) => { e.preventDefault(); selectLogPod(pn); } }, t('d.viewLogs'))));
        return isOpen ? [row, h('tr', { class: 'sub', id: `ctr-${pn}` }, h('td', { colspan: 9 }, containerRows(p)))] : [row];
      })));
  }

  function selectLogPod(podName) {
    logViewer.preselect(podName);
    tab = 'logs';
    setQuery({ tab: 'logs' });
    paint();
    logViewer.el.querySelector('#log-pod').focus();
  }

  function eventsTab() {
    const podNames = new Set(pods.map((p) => p.metadata.name));
    const mine = events.filter((e) => {
      const o = e.involvedObject || e.regarding || {};
      return (o.kind === 'Job' && o.name === name) || (o.kind === 'Pod' && (podNames.has(o.name) || o.name.startsWith(`${name}-`)));
    }).sort((a, b) => (b.lastTimestamp || b.eventTime || '').localeCompare(a.lastTimestamp || a.eventTime || ''));
    if (!mine.length) return empty(t('d.noEvents'));
    return h('table', { class: 'table', id: 'events-table' },
      h('thead', {}, h('tr', {}, ['type', 'reason', 'object', 'message', 'count', 'last'].map((c) => h('th', { scope: 'col' }, t(`e.${c}`))))),
      h('tbody', {}, mine.map((e) => {
        const o = e.involvedObject || {};
        return h('tr', { class: e.type === 'Warning' ? 'warn-row' : null },
          h('td', {}, e.type || '-'), h('td', {}, e.reason || '-'), h('td', {}, `${o.kind}/${o.name}`),
          h('td', { class: 'msg' }, e.message || ''), h('td', { class: 'num' }, e.count || 1),
          h('td', { class: 'num' }, age(e.lastTimestamp || e.eventTime || e.metadata.creationTimestamp)));
      })));
  }

  function yamlTab() {
    const copy = JSON.parse(JSON.stringify(job));
    delete copy.metadata.managedFields;
    return h('pre', { class: 'yaml', id: 'job-yaml', tabindex: '0', 'aria-label': 'YAML' }, dump({ apiVersion: copy.apiVersion || 'batch/v1', kind: copy.kind || 'Job', ...copy }));
  }

  // live data; only the visible tab repaints, and never while the user types in logs
  const repaint = () => { if (tab !== 'logs') paint(); else paintHead(); };
  const jobLW = new ListWatch(paths.jobs(ns), { fieldSelector: `metadata.name=${name}` }, (items, ev) => {
    const was = job;
    if (ev.type === 'LIST') setStale(null);
    job = items[0] || null;
    if (ev.type === 'DELETED') gone = true;
    jobState = 'ready';
    if (job && (!was || was.metadata.uid !== job.metadata.uid)) startPods();
    if (tab === 'logs' && job && !logsStarted) paint(); else repaint();
  }, (e) => { jobErr = e; if (jobLW.loaded) setStale(e.message); else { jobState = 'error'; paint(); } });
  function startPods() {
    if (podsLW) podsLW.stop();
    podsLW = new ListWatch(paths.pods(ns), { labelSelector: `batch.kubernetes.io/controller-uid=${job.metadata.uid}` }, (items) => {
      pods = items;
      if (tab === 'logs') logViewer.podsChanged(); else repaint();
    });
  }
  const eventsLW = new ListWatch(paths.events(ns), {}, (items) => { events = items; if (tab === 'events') paint(); });
  const tick = setInterval(() => { if (tab === 'info' || tab === 'pods') { if (!panel.contains(document.activeElement)) paint(); } }, 5000);

  paint();
  return () => { clearInterval(tick); jobLW.stop(); eventsLW.stop(); if (podsLW) podsLW.stop(); logViewer.stop(); };
}
