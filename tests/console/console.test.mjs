// console.test.mjs — what a user of the console does, end to end, in Chromium.

import fs from 'node:fs';
import path from 'node:path';
import { test, check, waitFor } from './lib/harness.mjs';
import { piDigits, startServer } from './lib/cluster.mjs';

const NS = 'default';
const here = path.dirname(new URL(import.meta.url).pathname);

export function registerTests({ bin, srv, real, node, noLogs, base, screenshots }) {
  const haveReal = !!real;
  const jobs = `${base}/console/ns/${NS}/jobs`;
  const shot = async (page, name) => {
    if (!screenshots) return;
    fs.mkdirSync(screenshots, { recursive: true });
    await page.evaluate(() => { const t = document.getElementById('toasts'); if (t) t.remove(); });
    await page.waitForTimeout(150);   // let the last paint settle
    await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
  };
  // zh screenshot, then the same page in English, then back to zh
  const shotBothRaw = async (page, name, ready) => {
    if (!screenshots) return;
    await shot(page, `${name}-zh`);
    await page.click('#lang-toggle');
    if (ready) await ready('en');
    await shot(page, `${name}-en`);
    await page.click('#lang-toggle');
    if (ready) await ready('zh');
  };
  const field = (p) => `[data-path="${p}"]`;
  const errorFor = (p) => `[data-error-for="${p}"]`;
  const api = srv.api;

  // node-a runs every pod the scheduler binds to it; pods labelled fail=yes exit 1
  node.start(NS, { outcome: (p) => ((p.metadata.labels || {}).fail === 'yes' ? 1 : 0) });
  noLogs.start(NS);

  // The guide's Job end to end.  real: a second server whose embedded agent runs real
  // containers (crun) from the locally imported perl image; else the test node runs it.
  async function guideJob(page, real) {
    const server = real || srv;
    const api = server.api;
    const base = server.base;
    const jobs = `${base}/console/ns/${NS}/jobs`;
    const nodeName = real ? 'jobd-node-1' : 'node-a';
    const shots = real || !haveReal;   // screenshots come from the real run when there is one
    const shotBoth = (...a) => (shots ? shotBothRaw(...a) : null);
    await page.goto(`${base}/`);
    await page.waitForURL(jobs);
    await page.waitForSelector('.state-empty');
    check((await page.textContent('.state-empty')).includes('还没有 Job'), 'empty list says so (in Chinese by default)');

    await page.click('#new-job');
    await page.waitForSelector(field('name'));
    check(await page.textContent('h1') === '新建Workload', 'form title is TKEStack\'s');
    await page.fill(field('name'), 'pi');
    await page.fill(field('completions'), '2');
    await page.fill(field('parallelism'), '2');
    await page.selectOption(field('restartPolicy'), 'Never');
    await page.fill(field('containers.0.name'), 'pi');
    await page.fill(field('containers.0.registry'), 'perl');
    await page.click('details.advanced > summary');
    await page.fill(field('containers.0.cmd'), 'perl\n-Mbignum=bpi\n-wle\nprint bpi(2000)');
    // the image is imported locally (scripts/build-images.sh), not in a registry
    if (real) await page.check(`${field('containers.0.imagePullPolicy')} input[value="Never"]`);
    const yaml = await page.textContent('#yaml-preview');
    for (const want of ['completions: 2', 'parallelism: 2', 'restartPolicy: Never', 'image: perl:latest', '- -Mbignum=bpi', '- print bpi(2000)', 'qcloud-app: pi']) {
      check(yaml.includes(want), `YAML preview has "${want}"`, yaml);
    }
    await shotBoth(page, 'form', async () => page.waitForSelector(field('name')));
    await page.click('#submit');

    await page.waitForURL(jobs);
    const row = page.locator('tr[data-job="pi"]');
    await row.waitFor();
    await waitFor(async () => (await row.locator('.col-status').textContent()).includes('已完成'), 'pi to show 已完成 (Complete) in the list', real ? 90000 : 30000);
    check((await row.locator('.col-completions').textContent()) === '2/2', 'completions 2/2', await row.textContent());
    if (screenshots && shots) {
      // a list worth looking at: one Job in each state next to pi
      const extra = [['etl-nightly', { team: 'data' }, { suspend: true, completions: 5, parallelism: 2 }, {}],
                     ['train-model', { team: 'ml', fail: 'yes' }, { backoffLimit: 0 }, {}],
                     ['render-frames', { team: 'media' }, { completions: 8, parallelism: 3 }, { nodeName: 'node-busy' }]];
      for (const [name, labels, spec, pod] of extra) {
        const c = { name: 'c', image: 'busybox', imagePullPolicy: 'Never', command: ['sh', '-c', labels.fail ? 'echo out of memory >&2; exit 3' : 'true'] };
        await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, labels },
          spec: { ...spec, template: { metadata: { labels }, spec: { ...pod, restartPolicy: 'Never', containers: [c] } } } });
      }
      await waitFor(async () => /BackoffLimitExceeded/.test(await page.textContent('#jobs-table')) && /运行中/.test(await page.textContent('#jobs-table')), 'the extra Jobs to settle', 20000);
    }
    await shotBoth(page, 'list', async () => row.waitFor());
    if (screenshots && shots) for (const n of ['etl-nightly', 'train-model', 'render-frames']) await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/${n}`, { propagationPolicy: 'Background' });

    await row.locator('a.job-link').click();
    await page.waitForSelector('#tab-info[aria-selected="true"]');
    await page.waitForSelector('.info');
    check((await page.textContent('.info')).includes('Complete'), 'details show the Complete condition', await page.textContent('.info'));
    await shotBoth(page, 'details', async () => page.waitForSelector('.info'));
    await page.click('#tab-pods');
    await waitFor(async () => (await page.locator('#pods-table tbody tr').count()) === 2, 'two pods in the pods tab');
    const podsText = await page.textContent('#pods-table');
    check((podsText.match(/Succeeded/g) || []).length === 2 && podsText.includes(nodeName), `both pods Succeeded on ${nodeName}`, podsText);
    // a pod's containers: state, exit code, times
    await page.locator('#pods-table .expander').first().click();
    const sub = page.locator('#pods-table tr.sub');
    await sub.waitFor();
    check(/Terminated \(Completed\)/.test(await sub.textContent()) && (await sub.textContent()).includes('perl'), 'container row shows Terminated (Completed) and the image', await sub.textContent());
    await shotBoth(page, 'pods', async () => page.waitForSelector('#pods-table'));
    await page.click('#tab-events');
    await page.waitForSelector('#events-table');
    check((await page.textContent('#events-table')).includes('SuccessfulCreate') || (await page.textContent('#events-table')).includes('Completed'),
      'events tab lists the Job\'s events', await page.textContent('#events-table'));

    // logs of a finished pod, through the server's pods/log proxy
    await page.click('#tab-pods');
    await page.locator('#pods-table tbody tr').first().getByRole('link').click();
    await page.waitForSelector('#tab-logs[aria-selected="true"]');
    const digits = piDigits().slice(0, 1990);   // perl rounds the last digit; we truncate
    await waitFor(async () => (await page.textContent('#log-output')).startsWith(digits), 'the pod log shows π\'s 2000 digits');
    await page.check('#log-timestamps');
    await waitFor(async () => /^\d{4}-\d\d-\d\dT[\d:.]+Z 3\.14159/.test(await page.textContent('#log-output')), 'timestamps prefix the lines');
    await page.selectOption('#log-tail', '1000');
    await page.uncheck('#log-timestamps');
    await page.check('#log-follow');
    // the test node's endpoint streams three more lines; a finished real container ends at once
    if (!real) await waitFor(async () => (await page.textContent('#log-output')).includes('follow line 3'), 'follow streams new lines live');
    await waitFor(async () => (await page.textContent('#log-status')).includes('日志流已结束'), 'follow ends when the stream ends');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#log-download')]);
    const file = await download.path();
    const content = fs.readFileSync(file, 'utf8');
    check(content.startsWith(digits) && (real || content.includes('follow line 3')), 'download has the log text', content.slice(0, 200));
    await page.uncheck('#log-follow');
    await waitFor(async () => (await page.textContent('#log-output')).includes(digits.slice(0, 50)), 'log shown again after follow off');
    await shotBoth(page, 'logs', async () => page.waitForFunction((d) => document.querySelector('#log-output').textContent.includes(d), digits.slice(0, 50)));

    // delete: the dialog says pods and logs go too
    await page.click('#delete-job');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const text = await dialog.textContent();
    check(text.includes('Pod 也会同时被删除') && text.includes('日志'), 'the confirmation says pods and their logs go too', text);
    await dialog.locator('[data-confirm]').click();
    await page.waitForURL(jobs);
    await waitFor(async () => (await page.locator('tr[data-job="pi"]').count()) === 0, 'pi to vanish from the list');
    await page.waitForSelector('.state-empty');
    await waitFor(async () => (await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs/pi`)).code === 404, 'the Job to be gone from the API');
    await waitFor(async () => (await api('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=job-name%3Dpi`)).body.items.length === 0,
      'its pods to be deleted (propagationPolicy Background)', 30000);
  }

  test('guide Job on the test node: form → list → Complete → details → logs (follow) → delete', (page) => guideJob(page, null));
  if (haveReal) test('guide Job in real containers: form → list → Complete → details → logs → delete', (page) => guideJob(page, real));


  if (haveReal) test('follow a running real container\'s log live until it exits', async (page) => {
    await real.api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'ticker' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'tick', image: 'busybox', imagePullPolicy: 'Never',
        command: ['sh', '-c', 'for i in 1 2 3 4; do echo tick $i; sleep 1; done'] }] } } } });
    await page.goto(`${real.base}/console/ns/${NS}/jobs/ticker`);
    await page.click('#tab-pods');
    await waitFor(async () => /Running/.test(await page.textContent('#pods-table').catch(() => '')), 'the ticker pod to run', 30000);
    await page.click('#tab-logs');
    await page.check('#log-follow');
    await waitFor(async () => (await page.textContent('#log-output')).includes('tick 2'), 'a line arrives while the container runs');
    check(!(await page.textContent('#log-output')).includes('tick 4'), 'not all lines are there yet: they stream in');
    await waitFor(async () => (await page.textContent('#log-output')).includes('tick 4'), 'the last line arrives live', 15000);
    await waitFor(async () => (await page.textContent('#log-status')).includes('日志流已结束'), 'the stream ends when the container exits', 15000);
    await real.api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/ticker`, { propagationPolicy: 'Background' });
  });

  test('an invalid env var name is shown next to that field and nothing is created', async (page) => {
    await page.goto(`${base}/console/ns/${NS}/create`);
    await page.fill(field('name'), 'bad-env');
    await page.fill(field('containers.0.name'), 'main');
    await page.fill(field('containers.0.registry'), 'busybox');
    await page.click('button[data-add="containers.0.env"]');
    await page.fill(field('containers.0.env.0.name'), '1BAD-NAME');
    await page.fill(field('containers.0.env.0.value'), 'x');
    await page.click('#submit');
    const err = page.locator(errorFor('containers.0.env.0.name'));
    await err.waitFor({ state: 'visible' });
    check((await err.textContent()).includes('不能以数字开头'), 'the env-name error text', await err.textContent());
    // next to the field: the error lives inside the same field block as the input
    const sameField = await page.evaluate(() => {
      const input = document.querySelector('[data-path="containers.0.env.0.name"]');
      return input.closest('[data-field]').querySelector('[data-error-for]').dataset.errorFor;
    });
    check(sameField === 'containers.0.env.0.name', 'the error sits in the field block of the input');
    check(await page.getAttribute(field('containers.0.env.0.name'), 'aria-invalid') === 'true', 'the input is marked aria-invalid');
    check(await page.evaluate(() => document.activeElement.dataset.path) === 'containers.0.env.0.name', 'focus moves to the bad field');
    check((await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs/bad-env`)).code === 404, 'nothing was created');
    // fixing it clears the error
    await page.fill(field('containers.0.env.0.name'), 'GOOD_NAME');
    await err.waitFor({ state: 'hidden' });
  });

  test('a server-side 422 cause appears next to the field it names', async (page) => {
    await page.goto(`${base}/console/ns/${NS}/create`);
    await page.fill(field('name'), 'server-check');
    await page.fill(field('containers.0.name'), 'main');
    await page.fill(field('containers.0.registry'), 'busybox');
    // TKEStack's label-key rule accepts this; Kubernetes' (name part ≤ 63) does not
    await page.click('button[data-add="labels"]');
    await page.fill(field('labels.0.key'), `k${'x'.repeat(70)}`);
    await page.fill(field('labels.0.value'), 'v');
    await page.click('#submit');
    const err = page.locator(errorFor('labels'));
    await err.waitFor({ state: 'visible' });
    check((await err.textContent()).includes('metadata.labels'), 'the server\'s cause (metadata.labels) is shown at 标签', await err.textContent());
    check(page.url().endsWith('/create'), 'still on the form');
    // a name that is taken: the 409 AlreadyExists lands at 工作负载名
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'taken' },
      spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
    await page.click(`[data-field="labels.0"] .btn-icon`);
    await page.fill(field('name'), 'taken');
    await page.click('#submit');
    const nameErr = page.locator(errorFor('name'));
    await nameErr.waitFor({ state: 'visible' });
    check((await nameErr.textContent()).includes('already exists'), 'AlreadyExists shown at the name', await nameErr.textContent());
    await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/taken`, { propagationPolicy: 'Background' });
  });

  test('clear states: a Job that does not exist, a label selector the server rejects', async (page) => {
    await page.goto(`${jobs}/no-such-job`);
    await page.waitForSelector('.state-empty');
    check((await page.textContent('.state-empty')).includes('没有 Job no-such-job'), 'not-found state', await page.textContent('main'));
    await page.goto(jobs);
    await page.waitForSelector('.list-body');
    await page.fill('#label-filter', 'a/b/c=x');
    await page.waitForSelector('.state-error');
    check((await page.textContent('.state-error')).includes('a/b/c'), 'the server\'s reason is shown', await page.textContent('.state-error'));
    await page.fill('#label-filter', '');
    await page.waitForSelector('.state-empty, #jobs-table');
  });

  test('a form using every field produces the reviewed YAML, which the server accepts', async (page) => {
    await page.goto(`${base}/console/ns/${NS}/create`);
    const f = (p, v) => page.fill(field(p), v);
    const sel = (p, v) => page.selectOption(field(p), v);
    const add = (p) => page.click(`button[data-add="${p}"]`);
    await f('name', 'every-field');
    await add('labels'); await f('labels.0.key', 'team'); await f('labels.0.value', 'ml');
    await add('labels'); await f('labels.1.key', 'tier'); await f('labels.1.value', 'batch');
    await f('description', '计算 π: every field of the form');
    await f('completions', '3'); await f('parallelism', '2'); await sel('restartPolicy', 'Never');
    const vols = [['data', 'emptyDir'], ['host', 'hostPath'], ['share', 'nfs'], ['cfg', 'configMap'], ['sec', 'secret'], ['claim', 'pvc']];
    for (const [i, [name, type]] of vols.entries()) { await add('volumes'); await sel(`volumes.${i}.type`, type); await f(`volumes.${i}.name`, name); }
    await f('volumes.1.hostPath', '/var/log'); await sel('volumes.1.hostPathType', 'Directory');
    await f('volumes.2.nfsPath', '10.0.0.1:/exports');
    await f('volumes.3.configName', 'app-config');
    await page.locator('[data-field="volumes.3.items"] .btn-add').click();
    await f('volumes.3.items.0.key', 'app.conf'); await f('volumes.3.items.0.path', 'app.conf'); await f('volumes.3.items.0.mode', '0644');
    await f('volumes.4.secretName', 'app-secret');
    await f('volumes.5.pvcName', 'my-claim');

    const c0 = 'containers.0';
    await f(`${c0}.name`, 'main'); await f(`${c0}.registry`, 'registry.example.com/team/perl'); await f(`${c0}.tag`, '5.38');
    const mounts = [['data', '/data', '', 'rw'], ['host', '/host/log', 'app', 'ro'], ['share', '/nfs', '', 'rw'], ['cfg', '/etc/app', '', 'ro'], ['sec', '/etc/secret', '', 'ro'], ['claim', '/claim', '', 'rw']];
    for (const [i, [v, mp, sp, mode]] of mounts.entries()) {
      await add(`${c0}.mounts`);
      await sel(`${c0}.mounts.${i}.volume`, v); await f(`${c0}.mounts.${i}.mountPath`, mp);
      if (sp) await f(`${c0}.mounts.${i}.subPath`, sp);
      await sel(`${c0}.mounts.${i}.mode`, mode);
    }
    await sel(`${c0}.gpuMode`, 'nvidia'); await f(`${c0}.gpu`, '1');
    const envs = [['value', 'MODE', { value: 'fast' }], ['configMap', 'DB_HOST', { refName: 'app-config', refKey: 'db.host' }],
      ['secret', 'TOKEN', { refName: 'app-secret', refKey: 'token' }], ['field', 'POD_NAME', {}], ['resource', 'CPU_LIMIT', { divisor: '1m' }]];
    for (const [i, [type, name, rest]] of envs.entries()) {
      await add(`${c0}.env`); await sel(`${c0}.env.${i}.type`, type); await f(`${c0}.env.${i}.name`, name);
      for (const [k, v] of Object.entries(rest)) await f(`${c0}.env.${i}.${k}`, v);
    }
    await page.locator(`[data-field="${c0}"] details.advanced > summary`).click();
    await f(`${c0}.workingDir`, '/data');
    await sel(`${c0}.logDir`, '/data'); await f(`${c0}.logPath`, '/logs');
    await f(`${c0}.cmd`, 'perl\n-Mbignum=bpi\n-wle\nprint bpi(2000)');
    await f(`${c0}.arg`, '--verbose');
    await page.check(`${field(`${c0}.imagePullPolicy`)} input[value="IfNotPresent"]`);
    await page.check(field(`${c0}.live.enabled`));
    await f(`${c0}.live.port`, '8080'); await f(`${c0}.live.delay`, '5'); await f(`${c0}.live.period`, '10'); await f(`${c0}.live.failure`, '3');
    await page.check(field(`${c0}.ready.enabled`));
    await sel(`${c0}.ready.method`, 'http');
    await f(`${c0}.ready.port`, '8080'); await f(`${c0}.ready.path`, '/healthz'); await sel(`${c0}.ready.scheme`, 'HTTPS');
    await f(`${c0}.ready.success`, '2');
    await page.check(field(`${c0}.privileged`));
    await sel(`${c0}.capAdd`, ['NET_ADMIN', 'SYS_TIME']);
    await sel(`${c0}.capDrop`, ['MKNOD']);

    await add('containers');
    const c1 = 'containers.1';
    await f(`${c1}.name`, 'sidecar'); await f(`${c1}.registry`, 'busybox');
    await f(`${c1}.cpuLimit`, ''); await f(`${c1}.memLimit`, '');
    await sel(`${c1}.gpuMode`, 'vcuda'); await f(`${c1}.gpuCore`, '0.5'); await f(`${c1}.gpuMem`, '4');
    await page.locator(`[data-field="${c1}"] details.advanced > summary`).click();
    await page.check(field(`${c1}.ready.enabled`));
    await sel(`${c1}.ready.method`, 'exec');
    await f(`${c1}.ready.cmd`, 'cat\n/tmp/ready');

    await page.click('#toggle-advanced');
    await add('imagePullSecrets'); await f('imagePullSecrets.0', 'regcred');
    await page.check(`${field('affinityType')} input[value="rule"]`);
    await add('required'); await f('required.0.key', 'disk'); await f('required.0.values', 'ssd;nvme');
    await add('preferred'); await f('preferred.0.key', 'zone'); await sel('preferred.0.operator', 'NotIn'); await f('preferred.0.values', 'z1');
    await add('preferred'); await f('preferred.1.key', 'gpu'); await sel('preferred.1.operator', 'Exists');
    await add('annotations'); await f('annotations.0.key', 'owner'); await f('annotations.0.value', 'alice');
    await sel('networkType', 'floatingip'); await sel('releasePolicy', 'immutable');

    if (process.env.CONSOLE_REVIEW) for (let i = 0; i < 4; i++) await page.screenshot({ path: `/tmp/every-field-${i}.png`, fullPage: true, clip: { x: 0, y: i * 2000, width: 1360, height: 2000 } });
    const yaml = await page.textContent('#yaml-preview');
    const fixturePath = path.join(here, 'fixtures/every-field.yaml');
    if (process.env.UPDATE_FIXTURES) fs.writeFileSync(fixturePath, yaml);
    const want = fs.readFileSync(fixturePath, 'utf8');
    check(yaml === want, 'the YAML preview equals fixtures/every-field.yaml', diff(want, yaml));

    // YAML editor and back: nothing lost, no "fields will be dropped" question
    await page.click('#mode-yaml');
    check(await page.inputValue('#yaml-editor') === want, 'the YAML editor starts from the same YAML');
    await page.click('#mode-form');
    check(await page.locator('dialog[open]').count() === 0, 'no loss warning for form-made YAML');
    await page.waitForSelector('#yaml-preview');
    check(await page.textContent('#yaml-preview') === want, 'form state survives the round trip');

    // the server accepts every field (dry run: nothing is created)
    await page.click('#dry-run');
    await waitFor(async () => (await page.textContent('#submit-status')).includes('服务端校验通过'), 'server dry run to accept the YAML',
      10000).catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('#submit-status')}`); });
    check((await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs/every-field`)).code === 404, 'dry run created nothing');
  });

  test('YAML editor: edit by hand, back to the form, submit', async (page) => {
    await page.goto(`${base}/console/ns/${NS}/create`);
    await page.fill(field('name'), 'from-yaml');
    await page.fill(field('containers.0.name'), 'main');
    await page.fill(field('containers.0.registry'), 'busybox');
    await page.click('#mode-yaml');
    const y = (await page.inputValue('#yaml-editor')).replace('completions: 1', 'completions: 4');
    await page.fill('#yaml-editor', y);
    await page.click('#mode-form');
    await page.waitForSelector(field('completions'));
    check(await page.inputValue(field('completions')) === '4', 'the form picked up the edited YAML');
    // a field the form cannot hold: switching back asks first
    await page.click('#mode-yaml');
    await page.fill('#yaml-editor', (await page.inputValue('#yaml-editor')).replace('spec:\n', 'spec:\n  backoffLimit: 1\n'));
    await page.click('#mode-form');
    const dlg = page.locator('dialog[open]');
    await dlg.waitFor();
    await dlg.getByRole('button', { name: '取消' }).click();
    check(await page.locator('#yaml-editor').count() === 1, 'cancel keeps the YAML editor');
    await page.fill('#yaml-editor', 'kind: Job\nmetadata: [unclosed');
    await page.click('#submit');
    await waitFor(async () => (await page.textContent('#submit-status')).includes('YAML 无法解析'), 'a parse error is reported');
    await page.fill('#yaml-editor', y.replace('spec:\n', 'spec:\n  backoffLimit: 1\n'));
    await page.click('#submit');
    await page.waitForURL(jobs);
    await page.locator('tr[data-job="from-yaml"]').waitFor();
    const job = (await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs/from-yaml`)).body;
    check(job.spec.backoffLimit === 1 && job.spec.completions === 4, 'submitted from YAML with hand edits', job.spec);
    await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/from-yaml`, { propagationPolicy: 'Background' });
  });

  test('list: live updates, label filter, Suspended/Failed with reason, namespace switch', async (page) => {
    const mk = (name, labels, extra = {}) => api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name, labels },
      spec: { template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...extra } });
    await page.goto(jobs);
    await page.waitForSelector('.list-body');
    check((await mk('sleepy', { team: 'ml' }, { suspend: true })).code === 201, 'created sleepy');
    await page.locator('tr[data-job="sleepy"]').waitFor();   // arrived through the watch
    await waitFor(async () => (await page.textContent('tr[data-job="sleepy"] .col-status')).includes('已暂停'), 'Suspended status');
    check((await mk('doomed', { team: 'infra', fail: 'yes' }, { backoffLimit: 0 })).code === 201, 'created doomed');
    await waitFor(async () => /失败.*BackoffLimitExceeded/.test(await page.textContent('tr[data-job="doomed"] .col-status')), 'Failed · BackoffLimitExceeded', 30000);
    await page.fill('#label-filter', 'team=ml');
    await waitFor(async () => (await page.locator('#jobs-table tbody tr').count()) === 1 && (await page.locator('tr[data-job="sleepy"]').count()) === 1, 'only sleepy matches team=ml');
    await page.fill('#label-filter', 'team=nobody');
    await page.waitForSelector('.state-empty');
    await page.fill('#label-filter', '');
    await waitFor(async () => (await page.locator('tr[data-job="sleepy"], tr[data-job="doomed"]').count()) === 2, 'both rows back');
    // namespace switcher
    await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
    await page.reload();
    await page.selectOption('#ns-select', 'team-b');
    await page.waitForURL(`${base}/console/ns/team-b/jobs`);
    await page.waitForSelector('.state-empty');
    for (const n of ['sleepy', 'doomed']) await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/${n}`, { propagationPolicy: 'Background' });
  });

  test('copy a Job as a new one: the form starts from it', async (page) => {
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'orig' },
      spec: { completions: 3, parallelism: 1, suspend: true, template: { spec: { restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'echo hi'], env: [{ name: 'GREETING', value: 'hi' }] }] } } } });
    await page.goto(`${jobs}/orig`);
    await page.click('#copy-job');
    await page.waitForSelector(field('name'));
    check(await page.inputValue(field('name')) === 'orig-copy', 'the new name', await page.inputValue(field('name')));
    check(await page.inputValue(field('completions')) === '3', 'completions copied');
    check(await page.inputValue(field('containers.0.registry')) === 'busybox' && await page.inputValue(field('containers.0.tag')) === '1.36', 'image and tag split');
    check(await page.inputValue(field('containers.0.env.0.name')) === 'GREETING', 'env copied');
    const yaml = await page.textContent('#yaml-preview');
    check(!/controller-uid|job-name/.test(yaml), 'no system labels copied', yaml);
    await page.click('#submit');
    await page.waitForURL(jobs);
    await page.locator('tr[data-job="orig-copy"]').waitFor();
    for (const n of ['orig', 'orig-copy']) await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/${n}`, { propagationPolicy: 'Background' });
  });

  test('the server goes away and comes back: the page says so, then catches up', async (page) => {
    let own = await startServer(bin);
    const { dir, port } = own;
    try {
      const mk = (name) => own.api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
        spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
      await mk('before');
      await page.goto(`${own.base}/console/ns/${NS}/jobs`);
      await page.locator('tr[data-job="before"]').waitFor();
      check(await own.stop() === 0, 'server stopped cleanly');
      await page.waitForSelector('.stale', { timeout: 15000 });
      check((await page.textContent('.stale')).includes('正在重连'), 'the list says it is reconnecting');
      check(await page.locator('tr[data-job="before"]').count() === 1, 'the last state stays on screen');
      own = await startServer(bin, { dir, port });
      await mk('after');
      await page.locator('tr[data-job="after"]').waitFor({ timeout: 20000 });
      await page.waitForSelector('.stale', { state: 'detached' });
    } finally {
      await own.stop();
      own.cleanup();
    }
  });

  test('Indexed Job: the index grid shows each index\'s state', async (page) => {
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'indexed' },
      spec: { completions: 4, parallelism: 4, completionMode: 'Indexed',
              template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
    await page.goto(`${jobs}/indexed`);
    await waitFor(async () => (await page.locator('#index-grid .idx-succeeded').count()) === 4, 'all four indexes succeeded', 30000);
    await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/indexed`, { propagationPolicy: 'Background' });
  });

  test('logs of a pod on a node without a log endpoint show the server\'s error', async (page) => {
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nolog' },
      spec: { template: { spec: { nodeName: 'node-nolog', restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
    await page.goto(`${jobs}/nolog?tab=logs`);
    const err = page.locator('#log-error');
    await err.waitFor({ timeout: 20000 });
    const text = await err.textContent();
    check(text.includes('无法读取') && /503|ServiceUnavailable/.test(text) && text.includes('node-nolog'), 'the server\'s reason is shown', text);
    await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/nolog`, { propagationPolicy: 'Background' });
  });

  test('no WCAG 2 A/AA violations (axe-core) on the list, form, details and logs', async (page) => {
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'a11y', labels: { team: 'qa' } },
      spec: { completions: 2, parallelism: 2, template: { metadata: { labels: { team: 'qa' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
    const pages = [
      ['list', jobs, '#jobs-table'],
      ['form', `${base}/console/ns/${NS}/create`, '[data-path="name"]'],
      ['details', `${jobs}/a11y`, '.info'],
      ['pods', `${jobs}/a11y?tab=pods`, '#pods-table'],
      ['events', `${jobs}/a11y?tab=events`, '#events-table'],
      ['logs', `${jobs}/a11y?tab=logs`, '#log-output'],
      ['yaml', `${jobs}/a11y?tab=yaml`, '#job-yaml'],
    ];
    const problems = [];
    for (const [name, url, sel] of pages) {
      await page.goto(url);
      await page.waitForSelector(sel);
      if (name === 'form') { await page.click('details.advanced > summary'); await page.click('#toggle-advanced'); }
      for (const v of await axeViolations(page)) problems.push(`${name}: ${v}`);
      if (name === 'form') {   // with every error on show
        await page.click('#submit');
        await page.waitForSelector('.has-error');
        for (const v of await axeViolations(page)) problems.push(`form with errors: ${v}`);
      }
      if (name === 'details') {   // the delete dialog, in English too
        await page.click('#delete-job');
        await page.waitForSelector('dialog[open]');
        for (const v of await axeViolations(page)) problems.push(`delete dialog: ${v}`);
        await page.keyboard.press('Escape');
        await page.waitForSelector('dialog[open]', { state: 'detached' });
        await page.click('#lang-toggle');
        await page.waitForFunction(() => document.documentElement.lang === 'en');
        for (const v of await axeViolations(page)) problems.push(`details (en): ${v}`);
        await page.click('#lang-toggle');
      }
    }
    check(problems.length === 0, 'axe finds nothing', problems.join('\n'));
    await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/a11y`, { propagationPolicy: 'Background' });
  });

  test('English, and everything reachable from the keyboard', async (page) => {
    await page.goto(jobs);
    await page.waitForSelector('.list-body');
    await page.focus('#lang-toggle');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    check((await page.textContent('h1')) === 'Jobs', 'English heading');
    // keyboard only: Tab to "Create", Enter opens the form
    await page.focus('#label-filter');
    await page.keyboard.press('Shift+Tab');
    check(await page.evaluate(() => document.activeElement.id) === 'new-job', 'Create is reachable by Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector(field('name'));
    check((await page.textContent('h1')).startsWith('Create Workload'), 'English form title');
    await page.keyboard.type('kb-job');
    check(await page.inputValue(field('name')) === 'kb-job', 'typing lands in the focused field', await page.evaluate(() => document.activeElement.outerHTML.slice(0, 200)));
    // every control in the form has an accessible name
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('form input, form select, form textarea, form button')].filter((el) => {
      if (el.type === 'radio' || el.type === 'checkbox') return !el.closest('label');
      return !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim();
    }).map((el) => el.outerHTML.slice(0, 120)));
    check(unnamed.length === 0, 'every form control has a label', unnamed);
    // the language choice sticks across reloads
    await page.reload();
    await page.waitForSelector(field('name'));
    check(await page.evaluate(() => document.documentElement.lang) === 'en', 'language remembered');
  });
}

// axe-core (npm, test time only) checks each page against WCAG 2 A/AA rules
const AXE = path.join(here, 'node_modules/axe-core/axe.min.js');
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

function diff(a, b) {
  const x = a.split('\n'), y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `first difference at line ${i + 1}:\n  want: ${x[i]}\n  got:  ${y[i]}`;
  }
  return 'identical';
}
