// dom.js — a tiny element builder and the few shared widgets (dialog, toast, states),
// so views stay declarative without a framework.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'multiple') el[k] = !!v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

let uid = 0;
export const nextId = (p = 'f') => `${p}-${++uid}`;

// A modal <dialog>: the browser traps focus and closes it on Escape.
export function confirmDialog({ title, body, confirm, cancel, danger }) {
  return new Promise((resolve) => {
    const tid = nextId('dlg');
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': tid },
      h('h2', { id: tid }, title),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dlg.close('cancel') }, cancel),
        h('button', { type: 'button', class: danger ? 'btn btn-danger' : 'btn btn-primary', 'data-confirm': '',
                      onclick: () => dlg.close('ok') }, confirm)));
    dlg.addEventListener('close', () => { dlg.remove(); resolve(dlg.returnValue === 'ok'); });
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector('.btn').focus();   // the safe choice gets focus first
  });
}

export function toast(msg, kind = 'info') {
  let box = document.getElementById('toasts');
  if (!box) { box = h('div', { id: 'toasts', role: 'status', 'aria-live': 'polite' }); document.body.append(box); }
  const el = h('div', { class: `toast toast-${kind}` }, msg);
  box.append(el);
  setTimeout(() => el.remove(), 5000);
}

export const loading = (text) => h('div', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
export const empty = (text, action) => h('div', { class: 'state state-empty' }, h('p', {}, text), action || null);
export const errorBox = (text, retry) => h('div', { class: 'state state-error', role: 'alert' }, h('p', {}, text), retry || null);
