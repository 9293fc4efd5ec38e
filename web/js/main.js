// main.js — the console shell: client-side routes under /console/ (the server answers
// any extension-less path with index.html), the namespace switcher and the language
// toggle.  A view is a module exporting render(root, ctx) that returns a cleanup
// function; switching route or language runs cleanup (watches stop) then renders anew.

import { get, paths } from './api.js';
import { h, clear } from './dom.js';
import { t, lang, setLang, onLangChange } from './i18n.js';
import * as list from './views/list.js';
import * as create from './views/create.js';
import * as detail from './views/detail.js';

const routes = [
  [/^\/console\/ns\/([^/]+)\/jobs\/?$/, list, ['ns']],
  [/^\/console\/ns\/([^/]+)\/create\/?$/, create, ['ns']],
  [/^\/console\/ns\/([^/]+)\/jobs\/([^/]+)\/?$/, detail, ['ns', 'name']],
];

const NS_KEY = 'jobd.namespace';
let cleanup = null;
let current = { ns: localStorage.getItem(NS_KEY) || 'default' };

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  render();
  // a new page for keyboard and screen-reader users: focus its first field or heading
  if (!replace) focusPage();
}

function focusPage() {
  const main = document.getElementById('main');
  const target = main.querySelector('[data-autofocus]') || main.querySelector('h1');
  if (target) { if (!target.hasAttribute('tabindex') && !target.matches('input,select,textarea,button,a')) target.tabIndex = -1; target.focus(); }
  else main.focus();
}

export function setQuery(params) {
  // updates ?tab=… etc. without re-rendering the view
  const u = new URL(location.href);
  for (const [k, v] of Object.entries(params)) { if (v === null || v === undefined || v === '') u.searchParams.delete(k); else u.searchParams.set(k, v); }
  history.replaceState(null, '', u.pathname + u.search);
}

export const jobsUrl = (ns) => `/console/ns/${encodeURIComponent(ns)}/jobs`;
export const jobUrl = (ns, name, tab) => `/console/ns/${encodeURIComponent(ns)}/jobs/${encodeURIComponent(name)}${tab ? `?tab=${tab}` : ''}`;
export const createUrl = (ns) => `/console/ns/${encodeURIComponent(ns)}/create`;

export function setCrumbs(items) {
  const nav = clear(document.getElementById('crumbs'));
  items.forEach(([text, href], i) => {
    if (i) nav.append(h('span', { class: 'sep', 'aria-hidden': 'true' }, '/'));
    nav.append(href ? h('a', { href, 'data-link': '' }, text) : h('span', { 'aria-current': 'page' }, text));
  });
}

function render() {
  if (cleanup) { try { cleanup(); } catch { /* a view's cleanup must not block the next */ } cleanup = null; }
  const path = decodeURI(location.pathname);
  const main = clear(document.getElementById('main'));
  for (const [re, view, names] of routes) {
    const m = path.match(re);
    if (!m) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    if (params.ns !== current.ns) { current.ns = params.ns; localStorage.setItem(NS_KEY, params.ns); }
    syncNsSelect();
    cleanup = view.render(main, { ...params, query: new URLSearchParams(location.search) }) || null;
    return;
  }
  navigate(jobsUrl(current.ns), { replace: true });
}

let namespaces = [];
function syncNsSelect() {
  const sel = document.getElementById('ns-select');
  const names = namespaces.length ? namespaces : [current.ns];
  if (!names.includes(current.ns)) names.push(current.ns);
  clear(sel);
  for (const n of names) sel.append(h('option', { value: n, selected: n === current.ns }, n));
}

async function loadNamespaces() {
  try {
    const l = await get(paths.namespaces());
    namespaces = l.items.map((n) => n.metadata.name).sort();
  } catch { namespaces = []; }
  syncNsSelect();
}

function applyLangChrome() {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.getElementById('ns-label').textContent = t('namespace');
  const btn = document.getElementById('lang-toggle');
  btn.textContent = lang() === 'zh' ? 'English' : '中文';
  btn.setAttribute('lang', lang() === 'zh' ? 'en' : 'zh-CN');
  btn.title = t('switchLanguage');   // the accessible name stays the visible text
  document.querySelector('.skip').textContent = t('skipToContent');
  document.title = `jobd · ${t('console')}`;
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => { render(); focusPage(); });
document.getElementById('ns-select').addEventListener('change', (e) => {
  // keep the same kind of page when switching namespace (list ↔ list, form ↔ form)
  const onCreate = /\/create\/?$/.test(location.pathname);
  navigate(onCreate ? createUrl(e.target.value) : jobsUrl(e.target.value));
});
document.getElementById('lang-toggle').addEventListener('click', () => setLang(lang() === 'zh' ? 'en' : 'zh'));
onLangChange(() => { applyLangChrome(); render(); });

applyLangChrome();
loadNamespaces();
render();
