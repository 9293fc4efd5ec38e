// actions.js — operations shared by the list and the detail page.

import { del, paths } from '../api.js';
import { confirmDialog, h, toast } from '../dom.js';
import { t } from '../i18n.js';

// TKEStack deletes with propagationPolicy Background (tkestack-console.md §7): the Job
// goes at once, the garbage collector then removes its pods — and with them their logs,
// which is why the dialog says so.  Returns true when the server accepted the delete.
export async function deleteJob(ns, name) {
  const ok = await confirmDialog({
    title: t('deleteTitle', { name }),
    body: [h('p', {}, t('deleteBody', { name, ns })), h('p', { class: 'warn' }, t('deleteWarn'))],
    confirm: t('delete'), cancel: t('cancel'), danger: true,
  });
  if (!ok) return false;
  try {
    await del(paths.job(ns, name), { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' });
    toast(t('deleted', { name }), 'ok');
    return true;
  } catch (e) {
    toast(t('deleteFailed', { name, msg: e.message }), 'error');
    return false;
  }
}
