// create.js — the "新建Workload" page: the form (form/render.js) with a live YAML
// preview, a YAML editor mode with a way back, and submit.  Client rules run first;
// whatever the server still rejects comes back as a 422 Status whose
// details.causes[].field is mapped onto the form field it names.

import { get, post, paths, query } from '../api.js';
import { h, clear, confirmDialog, toast } from '../dom.js';
import { t } from '../i18n.js';
import { dump, parse } from '../yaml.js';
import { newState, toJob, fromJob, sameJSON } from '../form/model.js';
import { validate } from '../form/validate.js';
import { renderForm } from '../form/render.js';
import { jobsUrl, navigate, setCrumbs } from '../main.js';

// the draft survives a language switch (which re-renders the page) but not leaving it
let draft = null;
let draftFor = null;   // the route's namespace the draft was started in
let draftMode = 'form';
let draftYaml = '';
const open = new Set();

// Jobs are immutable once running, so "run it again with changes" starts a new draft
// from an existing Job (details page → 复制为新建).  What the system added is left out.
const SYSTEM_LABEL = /^(batch\.kubernetes\.io\/|controller-uid$|job-name$)/;
export function draftFrom(job) {
  const clean = JSON.parse(JSON.stringify(job));
  const strip = (labels) => Object.fromEntries(Object.entries(labels || {}).filter(([k]) => !SYSTEM_LABEL.test(k)));
  clean.metadata.labels = strip(clean.metadata.labels);
  const ns = clean.metadata.namespace;
  draft = fromJob(clean, ns);
  draft.name = `${job.metadata.name}-copy`.slice(0, 63);
  draftFor = ns;
  draftMode = 'form';
  open.clear();
}

// "spec.template.spec.containers[0].env[1].name" → "containers.0.env.1.name"
export function causeToPath(field) {
  let p = (field || '').replace(/\[(\d+)\]/g, '.$1');
  if (p === 'metadata.annotations.description' || p.startsWith('metadata.annotations[description]')) return 'description';
  for (const [from, to] of [['spec.template.spec.', ''], ['spec.template.metadata.labels', 'labels'],
    ['spec.template.labels', 'labels'], ['spec.template.metadata.annotations', 'annotations'],
    ['spec.template.annotations', 'annotations'], ['metadata.', ''], ['spec.', '']]) {
    if (p.startsWith(from)) { p = to + p.slice(from.length); break; }
  }
  // container fields the form splits or renames
  p = p.replace(/^(containers\.\d+)\.resources\.(requests|limits).*/, '$1.resources')
       .replace(/^(containers\.\d+)\.volumeMounts\./, '$1.mounts.')
       .replace(/^(containers\.\d+)\.livenessProbe/, '$1.live')
       .replace(/^(containers\.\d+)\.readinessProbe/, '$1.ready')
       .replace(/^(containers\.\d+)\.command/, '$1.cmd')
       .replace(/^(containers\.\d+)\.args/, '$1.arg')
       .replace(/^(containers\.\d+)\.securityContext\.capabilities\.(add|drop).*/, (m, c, k) => `${c}.cap${k === 'add' ? 'Add' : 'Drop'}`)
       .replace(/^(containers\.\d+)\.securityContext.*/, '$1.privileged')
       .replace(/^(containers\.\d+\.env\.\d+)\.valueFrom.*/, '$1.refName')
       .replace(/^affinity.*/, 'affinity');
  return p;
}

export function render(root, { ns }) {
  setCrumbs([[ns, jobsUrl(ns)], [t('jobs'), jobsUrl(ns)], [t('f.title'), null]]);
  if (!draft || draftFor !== ns) { draft = newState(ns); draftFor = ns; draftMode = 'form'; open.clear(); }
  const state = draft;
  const lists = { namespaces: [ns], secrets: [], configmaps: [], pvcs: [], nodes: [] };
  let submitted = false;
  const touched = new Set();
  let serverErrors = {};    // path → message from the last 422
  let generalError = null;  // a failure no field owns
  const ctrl = new AbortController();

  const formHost = h('div', { class: 'form-host' });
  const preview = h('pre', { class: 'yaml', id: 'yaml-preview', tabindex: '0', 'aria-label': t('f.preview') });
  const yamlArea = h('textarea', { id: 'yaml-editor', class: 'yaml-editor', spellcheck: 'false', 'aria-label': t('f.yamlEditor'),
    oninput: () => { draftYaml = yamlArea.value; } });
  const statusBox = h('div', { class: 'submit-status', id: 'submit-status', role: 'alert' });
  const modeForm = h('button', { type: 'button', role: 'tab', id: 'mode-form', class: 'tab', onclick: () => switchMode('form') }, t('f.modeForm'));
  const modeYaml = h('button', { type: 'button', role: 'tab', id: 'mode-yaml', class: 'tab', onclick: () => switchMode('yaml') }, t('f.modeYaml'));
  const submitBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'submit' }, t('f.submit'));
  const dryBtn = h('button', { type: 'button', class: 'btn', id: 'dry-run', onclick: () => submit(true) }, t('f.dryRun'));
  const side = h('aside', { class: 'preview-pane', 'aria-labelledby': 'preview-h' }, h('h2', { id: 'preview-h' }, t('f.preview')), preview);
  const form = h('form', { class: 'job-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(false); } },
    h('div', { class: 'page-head' }, h('h1', {}, t('f.title')),
      h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('f.mode') }, modeForm, modeYaml)),
    h('div', { class: 'create-layout' }, formHost, side),
    h('div', { class: 'submit-bar' }, submitBtn, dryBtn,
      h('a', { class: 'btn', href: jobsUrl(ns), 'data-link': '' }, t('cancel')), statusBox));
  root.append(form);

  const ctx = {
    state, lists, open,
    changed(path) {
      touched.add(path);
      delete serverErrors[path];
      updatePreview();
      showErrors();
    },
    restructure() { paintForm(); updatePreview(); },
  };
  // fields are checked when left (blur) or on submit, not on every keystroke of the first try
  formHost.addEventListener('focusout', (e) => {
    const p = e.target.dataset && e.target.dataset.path;
    if (p) { touched.add(p); showErrors(); }
  });

  function paintForm() {
    const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.path : null;
    const scroll = window.scrollY;
    clear(formHost);
    if (draftMode === 'yaml') {
      yamlArea.value = draftYaml;
      formHost.append(h('p', { class: 'help' }, t('f.yamlHelp')), yamlArea);
      side.hidden = true;
    } else {
      formHost.append(renderForm(ctx));
      side.hidden = false;
      if (active) { const el = formHost.querySelector(`[data-path="${CSS.escape(active)}"]`); if (el) el.focus({ preventScroll: true }); }
      window.scrollTo(0, scroll);
      showErrors();
    }
    modeForm.setAttribute('aria-selected', String(draftMode === 'form'));
    modeYaml.setAttribute('aria-selected', String(draftMode === 'yaml'));
  }

  function updatePreview() { preview.textContent = dump(toJob(state)); }

  // Puts each error into the slot of its field; an error whose field has no slot of its
  // own goes to the nearest enclosing one (path trimmed from the end), else the status box.
  function showErrors() {
    if (draftMode !== 'form') return;
    const client = validate(state);
    const slots = new Map([...formHost.querySelectorAll('[data-error-for]')].map((el) => [el.dataset.errorFor, el]));
    const msgs = new Map();
    const place = (path, text) => {
      let p = path;
      while (p && !slots.has(p)) p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
      if (!p) return false;
      msgs.set(p, msgs.has(p) ? `${msgs.get(p)}; ${text}` : text);
      return true;
    };
    for (const [path, [key, params]] of Object.entries(client)) {
      if (submitted || touched.has(path) || touchedUnder(path)) place(path, t(key, params));
    }
    const orphans = [];
    for (const [path, text] of Object.entries(serverErrors)) if (!place(path, text)) orphans.push(text);
    for (const [p, el] of slots) {
      const m = msgs.get(p);
      el.hidden = !m; el.textContent = m || '';
      const f = el.closest('[data-field]');
      if (f) f.classList.toggle('has-error', !!m);
      const ctl = f && f.querySelector(':scope > .field-control > input, :scope > .field-control > select, :scope > .field-control > textarea');
      if (ctl) ctl.setAttribute('aria-invalid', m ? 'true' : 'false');
    }
    clear(statusBox);
    const nClient = Object.keys(client).length;
    if (generalError) statusBox.append(h('p', { class: 'error' }, generalError));
    for (const o of orphans) statusBox.append(h('p', { class: 'error' }, o));
    if (submitted && nClient) statusBox.append(h('p', { class: 'error' }, t('f.fixErrors', { n: nClient })));
    return client;
  }
  const touchedUnder = (path) => [...touched].some((p) => p === path || path.startsWith(`${p}.`) || (path.endsWith('.image') && p === path.replace(/image$/, 'registry')));

  async function switchMode(mode) {
    if (mode === draftMode) return;
    if (mode === 'yaml') {
      draftYaml = dump(toJob(state));
      draftMode = 'yaml';
      paintForm();
      yamlArea.focus();
      return;
    }
    let obj;
    try { obj = parse(yamlArea.value); } catch (e) { generalError = t('f.yamlInvalid', { msg: e.message }); renderStatusOnly(); return; }
    if (!obj || typeof obj !== 'object' || obj.kind !== 'Job') { generalError = t('f.yamlNotJob'); renderStatusOnly(); return; }
    const back = fromJob(obj, ns);
    if (!sameJSON(toJob(back), obj)) {
      const ok = await confirmDialog({ title: t('f.lossyTitle'), body: h('p', {}, t('f.lossyBody')), confirm: t('f.lossyConfirm'), cancel: t('cancel') });
      if (!ok) return;
    }
    Object.assign(state, back);
    generalError = null;
    draftMode = 'form';
    paintForm();
    updatePreview();
    modeForm.focus();
  }

  function renderStatusOnly() {
    clear(statusBox);
    if (generalError) statusBox.append(h('p', { class: 'error' }, generalError));
  }

  async function submit(dryRun) {
    generalError = null;
    serverErrors = {};
    let job;
    if (draftMode === 'yaml') {
      try { job = parse(yamlArea.value); } catch (e) { generalError = t('f.yamlInvalid', { msg: e.message }); renderStatusOnly(); return; }
      if (!job || typeof job !== 'object' || job.kind !== 'Job') { generalError = t('f.yamlNotJob'); renderStatusOnly(); return; }
    } else {
      submitted = true;
      const errs = showErrors();
      if (Object.keys(errs).length) {
        const first = formHost.querySelector('.has-error input, .has-error select, .has-error textarea');
        if (first) first.focus();
        return;
      }
      job = toJob(state);
    }
    const targetNs = (job.metadata && job.metadata.namespace) || ns;
    submitBtn.disabled = dryBtn.disabled = true;
    clear(statusBox).append(h('p', { class: 'pending' }, t(dryRun ? 'f.validating' : 'f.submitting')));
    try {
      await post(paths.jobs(targetNs) + query({ dryRun: dryRun ? 'All' : undefined, fieldValidation: 'Strict' }), job);
      if (dryRun) { clear(statusBox).append(h('p', { class: 'ok' }, t('f.dryRunOk'))); return; }
      toast(t('f.created', { name: job.metadata.name }), 'ok');
      draft = null;
      navigate(jobsUrl(targetNs));
    } catch (e) {
      if (e.code === 422 && e.causes.length && draftMode === 'form') {
        for (const c of e.causes) {
          const p = causeToPath(c.field);
          const text = c.field ? `${c.field}: ${c.message}` : c.message;
          serverErrors[p] = serverErrors[p] ? `${serverErrors[p]}; ${text}` : text;
        }
        showErrors();
        const first = formHost.querySelector('.has-error input, .has-error select, .has-error textarea');
        if (first) first.focus();
      } else if (e.code === 409 && e.reason === 'AlreadyExists' && draftMode === 'form') {
        serverErrors.name = e.message;   // the name is taken: say so at the name
        showErrors();
        formHost.querySelector('[data-path="name"]').focus();
      } else {
        generalError = e.message;
        if (draftMode === 'form') showErrors(); else renderStatusOnly();
      }
    } finally {
      submitBtn.disabled = dryBtn.disabled = false;
    }
  }

  // choices for selects and datalists; the form works without them
  (async () => {
    const names = async (p, filter = () => true) => {
      try { return (await get(p, { signal: ctrl.signal })).items.filter(filter).map((o) => o.metadata.name).sort(); } catch { return []; }
    };
    const [nss, secrets, pullSecrets, cms, pvcs, nodes] = await Promise.all([
      names(paths.namespaces()), names(paths.secrets(ns)),
      names(paths.secrets(ns), (s) => s.type === 'kubernetes.io/dockercfg' || s.type === 'kubernetes.io/dockerconfigjson'),
      names(paths.configmaps(ns)), names(paths.pvcs(ns)), names(paths.nodes())]);
    if (ctrl.signal.aborted) return;
    Object.assign(lists, { namespaces: nss.length ? nss : [ns], secrets, pullSecrets, configmaps: cms, pvcs, nodes });
    if (draftMode === 'form') paintForm();
  })();

  paintForm();
  updatePreview();
  return () => ctrl.abort();
}
