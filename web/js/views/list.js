// list.js — the Job list: kubectl's STATUS/COMPLETIONS/DURATION/AGE plus active/failed
// and labels (the columns TKEStack's list lacks), live through a watch, filtered by a
// label selector that the server applies.

import { ListWatch, paths } from '../api.js';
import { h, clear, loading, empty, errorBox } from '../dom.js';
import { t } from '../i18n.js';
import { age, completions, jobDuration, jobStatus } from '../format.js';
import { createUrl, jobUrl, setCrumbs, setQuery } from '../main.js';
import { deleteJob } from './actions.js';

export function statusBadge(job) {
  const s = jobStatus(job);
  return h('span', { class: `badge badge-${s.phase.toLowerCase()}`, title: s.message || null },
    t(`phase.${s.phase}`), s.reason ? h('span', { class: 'reason' }, ` · ${s.reason}`) : null);
}

export function labelChips(labels, skip = []) {
  const entries = Object.entries(labels || {}).filter(([k]) => !skip.some((p) => k.startsWith(p)));
  return h('span', { class: 'chips' }, entries.map(([k, v]) => h('code', { class: 'chip' }, `${k}=${v}`)));
}

// labels the system adds to every Job say nothing to a reader of the list
const SYSTEM_LABELS = ['batch.kubernetes.io/', 'controller-uid', 'job-name'];

export function render(root, { ns, query }) {
  setCrumbs([[ns, null], [t('jobs'), null]]);
  let selector = query.get('labelSelector') || '';
  let lw = null;
  let jobs = [];
  let state = 'loading';
  let lastError = null;
  let stale = null;   // the watch broke after data was shown: say so while it reconnects

  const filter = h('input', { id: 'label-filter', type: 'search', value: selector, placeholder: 'app=web,tier!=db',
                              spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'label-filter-help' });
  const body = h('div', { class: 'list-body' });
  const count = h('span', { class: 'count', 'aria-live': 'polite' });
  root.append(
    h('div', { class: 'page-head' },
      h('h1', {}, t('jobs')),
      h('a', { class: 'btn btn-primary', href: createUrl(ns), 'data-link': '', id: 'new-job' }, t('new'))),
    h('div', { class: 'toolbar' },
      h('label', { for: 'label-filter' }, t('labelFilter')), filter,
      h('small', { id: 'label-filter-help', class: 'help' }, t('labelFilterHelp')), count),
    body);

  function paint() {
    // a live repaint must not steal keyboard focus from the row the user is on
    const fa = document.activeElement;
    const focusRow = fa && body.contains(fa) && fa.closest('tr') ? fa.closest('tr').dataset.job : null;
    const focusCls = focusRow ? fa.className : null;
    paintInner();
    if (focusRow) {
      const again = body.querySelector(`tr[data-job="${CSS.escape(focusRow)}"] [class="${focusCls}"]`);
      if (again) again.focus();
    }
  }

  function paintInner() {
    clear(body);
    if (stale && state === 'ready') body.append(h('p', { class: 'stale', role: 'status' }, t('watchBroken', { msg: stale })));
    if (state === 'loading') { body.append(loading(t('loading'))); return; }
    if (state === 'error' && !jobs.length) {
      body.append(errorBox(t('loadFailed', { msg: lastError.message }),
        h('button', { type: 'button', class: 'btn', onclick: start }, t('retry'))));
      return;
    }
    count.textContent = t('nJobs', { n: jobs.length });
    if (!jobs.length) {
      body.append(empty(selector ? t('noJobsMatch', { sel: selector }) : t('noJobs', { ns }),
        selector ? null : h('a', { class: 'btn btn-primary', href: createUrl(ns), 'data-link': '' }, t('new'))));
      return;
    }
    const now = Date.now();
    const rows = [...jobs].sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name));
    body.append(h('table', { class: 'table', id: 'jobs-table' },
      h('caption', { class: 'sr-only' }, t('jobsIn', { ns })),
      h('thead', {}, h('tr', {}, ['name', 'status', 'completions', 'activeFailed', 'duration', 'age', 'labels', 'operations'].map((c) => h('th', { scope: 'col' }, t(`col.${c}`))))),
      h('tbody', {}, rows.map((j) => {
        const st = j.status || {};
        return h('tr', { 'data-job': j.metadata.name },
          h('td', {}, h('a', { href: jobUrl(ns, j.metadata.name), 'data-link': '', class: 'job-link' }, j.metadata.name)),
          h('td', { class: 'col-status' }, statusBadge(j)),
          h('td', { class: 'col-completions num' }, completions(j)),
          h('td', { class: 'num' }, `${st.active || 0} / ${st.failed || 0}`),
          h('td', { class: 'num' }, jobDuration(j, now)),
          h('td', { class: 'num', title: j.metadata.creationTimestamp }, age(j.metadata.creationTimestamp, now)),
          h('td', {}, labelChips(j.metadata.labels, SYSTEM_LABELS)),
          h('td', {}, h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', 'aria-label': t('deleteJobNamed', { name: j.metadata.name }),
                                    onclick: () => deleteJob(ns, j.metadata.name) }, t('delete'))));
      }))));
  }

  function start() {
    if (lw) lw.stop();
    state = 'loading'; jobs = []; paint();
    lw = new ListWatch(paths.jobs(ns), { labelSelector: selector || undefined }, (items, ev) => {
      jobs = items; state = 'ready';
      if (ev.type === 'LIST') stale = null;
      paint();
    }, (e) => { lastError = e; state = lw && lw.loaded ? 'ready' : 'error'; if (state === 'ready') stale = e.message; paint(); });
  }

  let debounce;
  filter.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { selector = filter.value.trim(); setQuery({ labelSelector: selector }); start(); }, 300);
  });

  start();
  const tick = setInterval(() => { if (state === 'ready' && !document.querySelector('dialog[open]')) paint(); }, 5000);
  return () => { clearInterval(tick); clearTimeout(debounce); if (lw) lw.stop(); };
}
