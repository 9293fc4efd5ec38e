// render.js — builds the "新建Workload" form from its state, in the guide's order
// (tkestack-job-guide.zh.md §创建 Job).  Every control carries data-path = its place in
// the state ("containers.0.env.1.name"); the same path names the field's error slot, so
// client rules and server 422 causes land next to the field they are about.

import { h, nextId } from '../dom.js';
import { t } from '../i18n.js';
import { CAPABILITIES, HOSTPATH_TYPES, OPERATORS, newContainer, newEnv, newMount, newRule, newVolume } from './model.js';

export function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

export function setPath(obj, path, value) {
  const ks = path.split('.');
  const last = ks.pop();
  const parent = ks.reduce((o, k) => o[k], obj);
  parent[last] = value;
}

// ctx: { state, changed(path) after a value edit, restructure() after add/remove/type
//        switches, lists: {namespaces, secrets, configmaps, pvcs, nodes}, open: Set }
export function renderForm(ctx) {
  const { state } = ctx;
  const S = (path) => getPath(state, path);

  function field(path, label, control, opts = {}) {
    const id = control.id || (control.id = nextId('in'));
    const errId = `${id}-err`;
    const helpId = opts.help ? `${id}-help` : null;
    const ctl = control.matches('input,select,textarea') ? control : control.querySelector('input,select,textarea');
    if (ctl) ctl.setAttribute('aria-describedby', [helpId, errId].filter(Boolean).join(' '));
    return h('div', { class: `field${opts.wide ? ' field-wide' : ''}`, 'data-field': path },
      h('label', { class: 'field-label', for: ctl ? ctl.id || (ctl.id = nextId('in')) : null },
        label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      h('div', { class: 'field-control' }, control,
        opts.help ? h('p', { class: 'help', id: helpId }, opts.help) : null,
        h('p', { class: 'field-error', id: errId, 'data-error-for': path, hidden: true })));
  }

  // text-like input bound to a state path
  function input(path, attrs = {}) {
    return h('input', { type: 'text', value: S(path), 'data-path': path, spellcheck: 'false', autocomplete: 'off', ...attrs,
      oninput: (e) => { setPath(state, path, e.target.value); ctx.changed(path); } });
  }
  function textarea(path, attrs = {}) {
    return h('textarea', { 'data-path': path, spellcheck: 'false', rows: 3, ...attrs,
      oninput: (e) => { setPath(state, path, e.target.value); ctx.changed(path); } }, S(path));
  }
  // a select whose choice changes the layout re-renders the form (structural)
  function select(path, options, { structural = false, attrs = {} } = {}) {
    return h('select', { 'data-path': path, ...attrs,
      onchange: (e) => { setPath(state, path, e.target.value); if (structural) ctx.restructure(); else ctx.changed(path); } },
      options.map(([v, label]) => h('option', { value: v, selected: String(S(path)) === String(v) }, label)));
  }
  function radios(path, options, { structural = false } = {}) {
    const name = nextId('radio');
    return h('div', { class: 'radios', role: 'radiogroup', 'data-path': path },
      options.map(([v, label]) => h('label', { class: 'radio' },
        h('input', { type: 'radio', name, value: v, checked: S(path) === v,
          onchange: () => { setPath(state, path, v); if (structural) ctx.restructure(); else ctx.changed(path); } }), label)));
  }
  function checkbox(path, label, { structural = false } = {}) {
    return h('label', { class: 'check' }, h('input', { type: 'checkbox', 'data-path': path, checked: !!S(path),
      onchange: (e) => { setPath(state, path, e.target.checked); if (structural) ctx.restructure(); else ctx.changed(path); } }), label);
  }
  // a list box; what is picked is repeated under it, since a long list hides it
  function multi(path, options, label) {
    const picked = h('p', { class: 'picked', 'aria-live': 'polite' });
    const show = () => { picked.textContent = S(path).length ? `${t('f.picked')}${S(path).join(', ')}` : ''; };
    const sel = h('select', { multiple: true, size: 6, 'data-path': path, 'aria-label': label,
      onchange: (e) => { setPath(state, path, [...e.target.selectedOptions].map((o) => o.value)); show(); ctx.changed(path); } },
      options.map((v) => h('option', { value: v, selected: S(path).includes(v) }, v)));
    show();
    return h('div', {}, sel, picked);
  }
  function datalist(items) {
    const id = nextId('dl');
    return [id, h('datalist', { id }, items.map((v) => h('option', { value: v })))];
  }
  const addBtn = (label, fn, attrs = {}) => h('button', { type: 'button', class: 'btn btn-small btn-add', onclick: () => { fn(); ctx.restructure(); }, ...attrs }, `+ ${label}`);
  const delBtn = (label, fn) => h('button', { type: 'button', class: 'btn btn-small btn-icon', 'aria-label': label, title: label,
    onclick: () => { fn(); ctx.restructure(); } }, '×');

  function kvRows(path, keyLabel, valueLabel, rowLabel) {
    const rows = S(path);
    return h('div', { class: 'kv' },
      rows.map((r, i) => h('div', { class: 'row', 'data-field': `${path}.${i}` },
        field(`${path}.${i}.key`, keyLabel, input(`${path}.${i}.key`)),
        h('span', { class: 'eq', 'aria-hidden': 'true' }, '='),
        field(`${path}.${i}.value`, valueLabel, input(`${path}.${i}.value`)),
        delBtn(t('removeRow', { what: rowLabel, n: i + 1 }), () => rows.splice(i, 1)))),
      addBtn(t('add'), () => rows.push({ key: '', value: '' }), { 'data-add': path }));
  }

  // ---------------------------------------------------------------- sections
  const basic = h('section', { class: 'form-section', 'aria-labelledby': 'sec-basic' },
    h('h2', { id: 'sec-basic' }, t('f.basic')),
    field('name', t('f.name'), input('name', { placeholder: t('f.namePh'), maxlength: 63, 'data-autofocus': '' }), { required: true, help: t('f.nameHelp') }),
    field('labels', t('f.labels'), kvRows('labels', t('f.key'), t('f.value'), t('f.label')), { help: t('f.labelsHelp') }),
    field('description', t('f.description'), textarea('description', { placeholder: t('f.descriptionPh'), maxlength: 1000 })),
    field('namespace', t('namespace'), select('namespace', ctx.lists.namespaces.map((n) => [n, n])), { required: true }),
    field('type', t('f.type'), h('div', { class: 'radios', role: 'radiogroup' },
      h('label', { class: 'radio' }, h('input', { type: 'radio', checked: true, name: 'wtype' }), t('f.typeJob')))));

  const jobSettings = h('section', { class: 'form-section', 'aria-labelledby': 'sec-job' },
    h('h2', { id: 'sec-job' }, t('f.jobSettings')),
    field('completions', t('f.completions'), input('completions', { inputmode: 'numeric', class: 'short' }), { help: t('f.completionsHelp') }),
    field('parallelism', t('f.parallelism'), input('parallelism', { inputmode: 'numeric', class: 'short' }), { help: t('f.parallelismHelp') }),
    field('restartPolicy', t('f.restartPolicy'), select('restartPolicy', [['OnFailure', 'OnFailure'], ['Never', 'Never']]),
      { help: t('f.restartPolicyHelp') }));

  const [cmList, cmDl] = datalist(ctx.lists.configmaps);
  const [secList, secDl] = datalist(ctx.lists.secrets);
  const [pvcList, pvcDl] = datalist(ctx.lists.pvcs);
  // TKEStack offers only registry-credential Secrets for imagePullSecrets
  const [pullList, pullDl] = datalist(ctx.lists.pullSecrets || []);

  function keyItems(path) {
    const items = S(path);
    return h('div', { class: 'kv' },
      items.map((it, j) => h('div', { class: 'row' },
        field(`${path}.${j}.key`, t('f.itemKey'), input(`${path}.${j}.key`)),
        field(`${path}.${j}.path`, t('f.itemPath'), input(`${path}.${j}.path`)),
        field(`${path}.${j}.mode`, t('f.itemMode'), input(`${path}.${j}.mode`, { placeholder: '0644', class: 'short' })),
        delBtn(t('removeRow', { what: t('f.item'), n: j + 1 }), () => items.splice(j, 1)))),
      addBtn(t('f.addItem'), () => items.push({ key: '', path: '', mode: '' })));
  }

  const volumes = h('section', { class: 'form-section', 'aria-labelledby': 'sec-vol' },
    h('h2', { id: 'sec-vol' }, t('f.volumes')), cmDl, secDl, pvcDl, pullDl,
    h('p', { class: 'help' }, t('f.volumesHelp')),
    state.volumes.map((v, i) => {
      const p = `volumes.${i}`;
      const typeSpecific = {
        emptyDir: null,
        hostPath: [field(`${p}.hostPath`, t('f.hostPath'), input(`${p}.hostPath`, { placeholder: '/data' })),
                   field(`${p}.hostPathType`, t('f.hostPathType'), select(`${p}.hostPathType`, HOSTPATH_TYPES.map((x) => [x, x])))],
        nfs: field(`${p}.nfsPath`, t('f.nfsPath'), input(`${p}.nfsPath`, { placeholder: '127.0.0.1:/data' })),
        configMap: [field(`${p}.configName`, 'ConfigMap', input(`${p}.configName`, { list: cmList })), field(`${p}.items`, t('f.items'), keyItems(`${p}.items`), { help: t('f.itemsHelp') })],
        secret: [field(`${p}.secretName`, 'Secret', input(`${p}.secretName`, { list: secList })), field(`${p}.items`, t('f.items'), keyItems(`${p}.items`), { help: t('f.itemsHelp') })],
        pvc: field(`${p}.pvcName`, 'PVC', input(`${p}.pvcName`, { list: pvcList })),
      }[v.type];
      return h('fieldset', { class: 'card', 'data-field': p },
        h('legend', {}, t('f.volumeN', { n: i + 1 })),
        h('div', { class: 'card-tools' }, delBtn(t('removeRow', { what: t('f.volume'), n: i + 1 }), () => state.volumes.splice(i, 1))),
        field(`${p}.type`, t('f.volumeType'), select(`${p}.type`, [
          ['emptyDir', t('vol.emptyDir')], ['hostPath', t('vol.hostPath')], ['nfs', t('vol.nfs')],
          ['configMap', t('vol.configMap')], ['secret', t('vol.secret')], ['pvc', t('vol.pvc')]], { structural: true })),
        field(`${p}.name`, t('f.volumeName'), input(`${p}.name`, { placeholder: 'data' })),
        typeSpecific);
    }),
    addBtn(t('f.addVolume'), () => state.volumes.push(newVolume()), { 'data-add': 'volumes' }));

  function probe(p, kind) {
    const pr = S(p);
    return h('div', { class: 'probe', 'data-field': p },
      checkbox(`${p}.enabled`, t(kind === 'live' ? 'f.liveness' : 'f.readiness'), { structural: true }),
      h('p', { class: 'help' }, t(kind === 'live' ? 'f.livenessHelp' : 'f.readinessHelp')),
      pr.enabled ? h('div', { class: 'grid' },
        field(`${p}.method`, t('f.checkMethod'), select(`${p}.method`, [['tcp', t('probe.tcp')], ['http', t('probe.http')], ['exec', t('probe.exec')]], { structural: true })),
        pr.method !== 'exec' ? field(`${p}.port`, t('f.port'), input(`${p}.port`, { inputmode: 'numeric', class: 'short' })) : null,
        pr.method === 'http' ? field(`${p}.scheme`, t('f.scheme'), select(`${p}.scheme`, [['HTTP', 'HTTP'], ['HTTPS', 'HTTPS']])) : null,
        pr.method === 'http' ? field(`${p}.path`, t('f.httpPath'), input(`${p}.path`, { placeholder: '/healthz' })) : null,
        pr.method === 'exec' ? field(`${p}.cmd`, t('f.execCmd'), textarea(`${p}.cmd`), { help: t('f.oneLineEach'), wide: true }) : null,
        field(`${p}.delay`, t('f.delay'), input(`${p}.delay`, { class: 'short', inputmode: 'numeric' }), { help: t('f.delayHelp') }),
        field(`${p}.timeout`, t('f.timeout'), input(`${p}.timeout`, { class: 'short', inputmode: 'numeric' }), { help: t('f.timeoutHelp') }),
        field(`${p}.period`, t('f.period'), input(`${p}.period`, { class: 'short', inputmode: 'numeric' }), { help: t('f.periodHelp') }),
        field(`${p}.success`, t('f.success'), input(`${p}.success`, { class: 'short', inputmode: 'numeric', readonly: kind === 'live' }), { help: t(kind === 'live' ? 'f.successLiveHelp' : 'f.successReadyHelp') }),
        field(`${p}.failure`, t('f.failure'), input(`${p}.failure`, { class: 'short', inputmode: 'numeric' }), { help: t('f.failureHelp') })) : null);
  }

  function envRows(c, p) {
    return h('div', { class: 'env' },
      c.env.map((ev, j) => {
        const q = `${p}.env.${j}`;
        const src = {
          value: field(`${q}.value`, t('f.envValue'), input(`${q}.value`)),
          configMap: [field(`${q}.refName`, 'ConfigMap', input(`${q}.refName`, { list: cmList })), field(`${q}.refKey`, t('f.key'), input(`${q}.refKey`))],
          secret: [field(`${q}.refName`, 'Secret', input(`${q}.refName`, { list: secList })), field(`${q}.refKey`, t('f.key'), input(`${q}.refKey`))],
          field: [field(`${q}.fieldPath`, 'fieldPath', select(`${q}.fieldPath`, ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP'].map((x) => [x, x])))],
          resource: [field(`${q}.resource`, 'resource', select(`${q}.resource`, ['limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'].map((x) => [x, x]))),
                     field(`${q}.divisor`, 'divisor', input(`${q}.divisor`, { class: 'short', placeholder: '1' }))],
        }[ev.type];
        return h('div', { class: 'row', 'data-field': q },
          field(`${q}.type`, t('f.envType'), select(`${q}.type`, [['value', t('env.value')], ['configMap', t('env.configMap')], ['secret', t('env.secret')], ['field', t('env.field')], ['resource', t('env.resource')]], { structural: true })),
          field(`${q}.name`, t('f.envName'), input(`${q}.name`, { placeholder: 'MY_VAR' })),
          src,
          delBtn(t('removeRow', { what: t('f.envVar'), n: j + 1 }), () => c.env.splice(j, 1)));
      }),
      addBtn(t('f.addEnv'), () => c.env.push(newEnv()), { 'data-add': `${p}.env` }));
  }

  function mountRows(c, p) {
    const vols = state.volumes.map((v) => v.name).filter(Boolean);
    return h('div', { class: 'mounts' },
      c.mounts.map((m, j) => {
        const q = `${p}.mounts.${j}`;
        return h('div', { class: 'row', 'data-field': q },
          field(`${q}.volume`, t('f.volume'), select(`${q}.volume`, [['', t('f.pickVolume')], ...vols.map((v) => [v, v])])),
          field(`${q}.mountPath`, t('f.mountPath'), input(`${q}.mountPath`, { placeholder: '/data' })),
          field(`${q}.subPath`, t('f.subPath'), input(`${q}.subPath`)),
          field(`${q}.mode`, t('f.mountMode'), select(`${q}.mode`, [['rw', t('f.rw')], ['ro', t('f.ro')]])),
          delBtn(t('removeRow', { what: t('f.mount'), n: j + 1 }), () => c.mounts.splice(j, 1)));
      }),
      vols.length ? addBtn(t('f.addMount'), () => c.mounts.push(newMount()), { 'data-add': `${p}.mounts` })
                  : h('p', { class: 'help' }, t('f.noVolumesYet')));
  }

  const containers = h('section', { class: 'form-section', 'aria-labelledby': 'sec-ctr' },
    h('h2', { id: 'sec-ctr' }, t('f.containers')),
    state.containers.map((c, i) => {
      const p = `containers.${i}`;
      const adv = h('details', { class: 'advanced', open: ctx.open.has(`${p}.adv`) || undefined,
        ontoggle: (e) => { if (e.target.open) ctx.open.add(`${p}.adv`); else ctx.open.delete(`${p}.adv`); } },
        h('summary', {}, t('f.containerAdvanced')),
        field(`${p}.workingDir`, t('f.workingDir'), input(`${p}.workingDir`, { placeholder: '/app' }), { help: t('f.workingDirHelp') }),
        field(`${p}.logDir`, t('f.logDir'), h('div', { class: 'inline' },
          select(`${p}.logDir`, [['', t('f.pickMount')], ...c.mounts.filter((m) => m.mountPath).map((m) => [m.mountPath, m.mountPath])], { attrs: { 'aria-label': t('f.logDirMount') } }),
          input(`${p}.logPath`, { placeholder: '/logs', 'aria-label': t('f.logPath') })), { help: t('f.logDirHelp') }),
        field(`${p}.cmd`, t('f.command'), textarea(`${p}.cmd`, { placeholder: 'sh\n-c\necho hello' }), { help: t('f.oneLineEach'), wide: true }),
        field(`${p}.arg`, t('f.args'), textarea(`${p}.arg`), { help: t('f.oneLineEach'), wide: true }),
        field(`${p}.imagePullPolicy`, t('f.pullPolicy'), radios(`${p}.imagePullPolicy`, [['Always', 'Always'], ['IfNotPresent', 'IfNotPresent'], ['Never', 'Never']]), { help: t('f.pullPolicyHelp') }),
        h('div', { class: 'field', 'data-field': `${p}.probes` }, h('span', { class: 'field-label' }, t('f.healthCheck')),
          h('div', { class: 'field-control' }, probe(`${p}.live`, 'live'), probe(`${p}.ready`, 'ready'))),
        field(`${p}.privileged`, t('f.privileged'), checkbox(`${p}.privileged`, t('f.privilegedOn')), { help: t('f.privilegedHelp') }),
        field(`${p}.capAdd`, t('f.capAdd'), multi(`${p}.capAdd`, CAPABILITIES, t('f.capAdd')), { help: t('f.capHelp') }),
        field(`${p}.capDrop`, t('f.capDrop'), multi(`${p}.capDrop`, CAPABILITIES, t('f.capDrop')), { help: t('f.capHelp') }));
      return h('fieldset', { class: 'card container', 'data-field': p },
        h('legend', {}, t('f.containerN', { n: i + 1 })),
        state.containers.length > 1 ? h('div', { class: 'card-tools' }, delBtn(t('removeRow', { what: t('f.container'), n: i + 1 }), () => state.containers.splice(i, 1))) : null,
        field(`${p}.name`, t('f.containerName'), input(`${p}.name`, { placeholder: 'main', maxlength: 63 }), { required: true, help: t('f.containerNameHelp') }),
        field(`${p}.image`, t('f.image'), input(`${p}.registry`, { placeholder: 'busybox', class: 'wide' }), { required: true }),
        field(`${p}.tag`, t('f.tag'), input(`${p}.tag`, { placeholder: 'latest' }), { help: t('f.tagHelp') }),
        field(`${p}.mounts`, t('f.mounts'), mountRows(c, p)),
        h('div', { class: 'field', 'data-field': `${p}.resources` }, h('span', { class: 'field-label' }, t('f.cpuMem')),
          h('div', { class: 'field-control' },
            h('div', { class: 'grid' },
              field(`${p}.cpuRequest`, t('f.cpuRequest'), input(`${p}.cpuRequest`, { class: 'short', inputmode: 'decimal' })),
              field(`${p}.cpuLimit`, t('f.cpuLimit'), input(`${p}.cpuLimit`, { class: 'short', inputmode: 'decimal' })),
              field(`${p}.memRequest`, t('f.memRequest'), input(`${p}.memRequest`, { class: 'short', inputmode: 'numeric' })),
              field(`${p}.memLimit`, t('f.memLimit'), input(`${p}.memLimit`, { class: 'short', inputmode: 'numeric' }))),
            h('p', { class: 'help' }, t('f.cpuMemHelp')),
            h('p', { class: 'field-error', 'data-error-for': `${p}.resources`, hidden: true }))),
        field(`${p}.gpuMode`, t('f.gpu'), h('div', {},
          select(`${p}.gpuMode`, [['none', t('gpu.none')], ['nvidia', t('gpu.nvidia')], ['vcuda', t('gpu.vcuda')]], { structural: true, attrs: { 'aria-label': t('f.gpuMode') } }),
          c.gpuMode === 'nvidia' ? field(`${p}.gpu`, t('f.gpuCards'), input(`${p}.gpu`, { class: 'short', inputmode: 'numeric' }), { help: t('f.gpuHelp') }) : null,
          c.gpuMode === 'vcuda' ? [field(`${p}.gpuCore`, t('f.gpuCore'), input(`${p}.gpuCore`, { class: 'short', inputmode: 'decimal' }), { help: t('f.gpuCoreHelp') }),
                                   field(`${p}.gpuMem`, t('f.gpuMem'), input(`${p}.gpuMem`, { class: 'short', inputmode: 'numeric' }), { help: t('f.gpuMemHelp') })] : null)),
        field(`${p}.env`, t('f.env'), envRows(c, p), { help: t('f.envHelp') }),
        adv);
    }),
    addBtn(t('f.addContainer'), () => state.containers.push(newContainer()), { 'data-add': 'containers' }));

  const ruleRows = (kind) => h('div', { class: 'rules' },
    state[kind].map((r, i) => {
      const q = `${kind}.${i}`;
      return h('div', { class: 'row', 'data-field': q },
        field(`${q}.key`, t('f.labelKey'), input(`${q}.key`, { placeholder: 'disk' })),
        field(`${q}.operator`, t('f.operator'), select(`${q}.operator`, OPERATORS.map((o) => [o, o]), { structural: true })),
        !['Exists', 'DoesNotExist'].includes(r.operator) ? field(`${q}.values`, t('f.values'), input(`${q}.values`, { placeholder: 'ssd;nvme' }), { help: t('f.valuesHelp') }) : null,
        delBtn(t('removeRow', { what: t('f.rule'), n: i + 1 }), () => state[kind].splice(i, 1)));
    }),
    addBtn(t('f.addRule'), () => state[kind].push(newRule()), { 'data-add': kind }));

  const advOpen = ctx.open.has('advanced');
  const advanced = h('section', { class: 'form-section', 'aria-labelledby': 'sec-adv' },
    h('h2', { id: 'sec-adv' }, h('button', { type: 'button', class: 'linkish', id: 'toggle-advanced', 'aria-expanded': String(advOpen),
      onclick: () => { if (advOpen) ctx.open.delete('advanced'); else ctx.open.add('advanced'); ctx.restructure(); } },
      advOpen ? t('f.hideAdvanced') : t('f.showAdvanced'))),
    advOpen ? [
      field('imagePullSecrets', 'imagePullSecrets', h('div', { class: 'kv' },
        state.imagePullSecrets.map((n, i) => h('div', { class: 'row' },
          field(`imagePullSecrets.${i}`, t('f.secretName'), input(`imagePullSecrets.${i}`, { list: pullList })),
          delBtn(t('removeRow', { what: 'Secret', n: i + 1 }), () => state.imagePullSecrets.splice(i, 1)))),
        addBtn(t('add'), () => state.imagePullSecrets.push(''), { 'data-add': 'imagePullSecrets' })), { help: t('f.pullSecretsHelp') }),
      field('affinityType', t('f.nodeAffinity'), h('div', {},
        radios('affinityType', [['none', t('aff.none')], ['node', t('aff.node')], ['rule', t('aff.rule')]], { structural: true }),
        state.affinityType === 'node' ? field('nodes', t('f.nodes'), h('div', { class: 'checks' },
          ctx.lists.nodes.length ? ctx.lists.nodes.map((n) => h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: state.nodes.includes(n),
            onchange: (e) => { state.nodes = e.target.checked ? [...state.nodes, n] : state.nodes.filter((x) => x !== n); ctx.changed('nodes'); } }), n))
            : h('p', { class: 'help' }, t('f.noNodes')))) : null,
        state.affinityType === 'rule' ? h('div', { 'data-field': 'affinity' },
          field('required', t('f.required'), ruleRows('required'), { help: t('f.requiredHelp') }),
          field('preferred', t('f.preferred'), ruleRows('preferred'), { help: t('f.preferredHelp') }),
          h('p', { class: 'field-error', 'data-error-for': 'affinity', hidden: true })) : null)),
      field('annotations', t('f.annotations'), kvRows('annotations', t('f.key'), t('f.value'), t('f.annotation')), { help: t('f.annotationsHelp') }),
      field('networkType', t('f.network'), h('div', {},
        select('networkType', [['', t('net.default')], ['overlay', t('net.overlay')], ['floatingip', t('net.floatingip')], ['nat', t('net.nat')], ['host', t('net.host')]], { structural: true }),
        h('p', { class: 'help' }, t(`net.help.${state.networkType || 'default'}`)),
        state.networkType === 'floatingip' ? field('releasePolicy', t('f.releasePolicy'), select('releasePolicy',
          [['immutable', t('rp.immutable')], ['never', t('rp.never')], ['always', t('rp.always')]])) : null)),
    ] : null);

  return h('div', { class: 'form-body' }, basic, jobSettings, volumes, containers, advanced);
}

