// modules.test.mjs — the console's DOM-free modules (YAML, the form model and its rules)
// checked directly in Node: cheap, and they pin behaviour the browser tests only sample.

import { check } from './lib/harness.mjs';
import { dump, parse } from '../../web/js/yaml.js';
import { newState, toJob, fromJob, sameJSON } from '../../web/js/form/model.js';
import { validate } from '../../web/js/form/validate.js';

export function registerModuleTests(unit) {
  unit('yaml: what kubectl users paste parses as Kubernetes would read it', () => {
    const doc = parse(`---
# the guide's example
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
  labels: {app: pi, "quoted key": 'it''s'}
spec:
  completions: 2
  template:
    spec:
      containers:
      - name: pi
        image: perl
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
        args:
          - --x=1   # trailing comment
          - "#not a comment"
        env:
        - {name: A, value: "1"}
        - name: B
          value: |
            line one
            line two
      restartPolicy: Never
  backoffLimit: 4
  suspend: false
  ttlSecondsAfterFinished: null
  folded: >-
    a
    b
`);
    check(doc.metadata.labels['quoted key'] === "it's", 'quoted keys and doubled single quotes', doc.metadata.labels);
    const c = doc.spec.template.spec.containers[0];
    check(c.command.join('|') === 'perl|-Mbignum=bpi|-wle|print bpi(2000)', 'flow sequence of quoted strings', c.command);
    check(c.args[0] === '--x=1' && c.args[1] === '#not a comment', 'comments stripped outside quotes only', c.args);
    check(c.env[0].value === '1' && typeof c.env[0].value === 'string', 'quoted numbers stay strings');
    check(c.env[1].value === 'line one\nline two\n', 'literal block scalar', c.env[1].value);
    check(doc.spec.backoffLimit === 4 && doc.spec.suspend === false && doc.spec.ttlSecondsAfterFinished === null, 'ints, bools, null');
    check(doc.spec.folded === 'a b', 'folded block scalar with strip chomping', doc.spec.folded);
  });

  unit('yaml: errors name the line; dump → parse round-trips awkward strings', () => {
    for (const [bad, line] of [['a: 1\n  b: 2\n', 2], ['a: [1, 2\n', 1], ['a: 1\na: 2\n', 2], ['x: &anchor 1\n', 1]]) {
      let err = null;
      try { parse(bad); } catch (e) { err = e; }
      check(err && err.line === line, `error for ${JSON.stringify(bad)} names line ${line}`, err && err.message);
    }
    const tricky = { s: ['', ' lead', 'trail ', 'yes', 'No', 'null', '~', '0x1F', '1e3', '.5', '-', 'a: b', 'a #b', '#c', '{x}', '[y]',
      "it's", 'line\nbreak', 'tab\there', '@at', '`tick`', '%pct', '*star', '&amp', '!bang', '|pipe', '>gt', '"dq"', 'ünïcödé 中文', '-dash', '? q'],
    n: [0, -1, 1.5], b: [true, false], nil: null, empty: {}, list: [], nested: [[1, [2]], [{ a: [] }]] };
    const back = parse(dump(tricky));
    check(sameJSON(back, tricky), 'round trip', { dumped: dump(tricky), back });
  });

  unit('form model: the guide Job and the rules of tkestack-console.md §2', () => {
    const s = newState('default');
    Object.assign(s, { name: 'pi', completions: '2', parallelism: '2', restartPolicy: 'Never' });
    Object.assign(s.containers[0], { name: 'pi', registry: 'perl', cmd: 'perl\n-Mbignum=bpi\n-wle\nprint bpi(2000)\n' });
    const job = toJob(s);
    check(Object.keys(validate(s)).length === 0, 'the guide Job is valid', validate(s));
    check(job.spec.template.spec.containers[0].image === 'perl:latest', 'empty tag → :latest');
    check(job.spec.template.spec.containers[0].command.length === 4, 'command: one item per line, trimmed', job.spec.template.spec.containers[0].command);
    check(!job.spec.template.metadata.annotations, 'untouched network mode writes no annotation (§3 quirk)');
    check(sameJSON(toJob(fromJob(job)), job), 'fromJob inverts toJob');
    const bad = (mut, path) => {
      const x = newState('default');
      Object.assign(x, { name: 'ok' });
      Object.assign(x.containers[0], { name: 'c', registry: 'busybox' });
      mut(x);
      const e = validate(x);
      check(e[path], `rule for ${path}`, e);
    };
    bad((x) => { x.name = '1abc'; }, 'name');
    bad((x) => { x.name = 'a'.repeat(64); }, 'name');
    bad((x) => { x.completions = '0'; }, 'completions');
    bad((x) => { x.containers[0].env.push({ type: 'value', name: '9LIVES', value: '' }); }, 'containers.0.env.0.name');
    bad((x) => { x.containers[0].env.push({ type: 'value', name: 'A-B', value: '' }); }, 'containers.0.env.0.name');
    bad((x) => { x.containers[0].cpuRequest = '2'; }, 'containers.0.cpuRequest');
    bad((x) => { x.containers[0].cpuLimit = '0.001'; }, 'containers.0.cpuLimit');
    bad((x) => { x.containers[0].memLimit = '3'; }, 'containers.0.memLimit');
    bad((x) => { x.volumes.push({ type: 'emptyDir', name: 'unused', items: [] }); }, 'volumes.0.name');
    bad((x) => { x.volumes.push({ type: 'nfs', name: 'n', nfsPath: 'no-colon', items: [] }); x.containers[0].mounts.push({ volume: 'n', mountPath: '/n', subPath: '', mode: 'rw' }); }, 'volumes.0.nfsPath');
    bad((x) => { x.containers[0].workingDir = 'relative'; }, 'containers.0.workingDir');
    bad((x) => { x.containers[0].live = { ...x.containers[0].live, enabled: true, method: 'tcp', port: '80', success: '2' }; }, 'containers.0.live.success');
    bad((x) => { x.containers[0].ready = { ...x.containers[0].ready, enabled: true, method: 'tcp', port: '80', period: '2' }; }, 'containers.0.ready.period');
    bad((x) => { x.labels.push({ key: 'team', value: 'ML' }); }, 'labels.0.value');
    bad((x) => { x.annotations.push({ key: '-bad', value: 'v' }); }, 'annotations.0.key');
  });
}
