// run.mjs — the console's end-to-end tests: a real jobd server, the test as its node,
// and Debian's headless Chromium driven by playwright-core.  With SCREENSHOTS=DIR it
// also writes the README's screenshots (list, form, details, logs; zh and en) to DIR.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, TestNode } from './lib/cluster.mjs';
import { run, unit } from './lib/harness.mjs';
import { registerModuleTests } from './modules.test.mjs';
import { registerTests } from './console.test.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const bin = process.env.JOBD_BIN || path.join(root, 'build/asan/jobd');
const chromePath = process.env.CHROMIUM || '/usr/bin/chromium';

// Real containers need the embedded agent's tools (crun under conmon, as root) and the
// offline images; without them the guide Job runs on the test node only.
function canRunContainers() {
  if (process.env.CONSOLE_REAL_AGENT === '0') return false;
  return process.getuid() === 0 && ['/usr/bin/crun', '/usr/bin/conmon'].every((f) => fs.existsSync(f)) &&
    fs.existsSync(path.join(root, 'scripts/build-images.sh'));
}

const t0 = Date.now();
let srv, real = null, browser, nodes = [];
// interrupted: take the servers down with us rather than leave them running
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { for (const s of [srv, real]) if (s) s.proc.kill('SIGKILL'); process.exit(130); });
}
let result = { passed: 0, failed: 1 };
try {
  srv = await startServer(bin);
  const node = await new TestNode(srv, 'node-a').register();
  const noLogs = await new TestNode(srv, 'node-nolog', { serveLogs: false }).register();
  // node-nolog is cordoned for the scheduler; only pods that name it (spec.nodeName) go there
  await srv.api('PATCH', '/api/v1/nodes/node-nolog', { spec: { unschedulable: true } }, { 'Content-Type': 'application/merge-patch+json' });
  nodes = [node, noLogs];
  if (canRunContainers()) {
    real = await startServer(bin, { agent: true, extra: ['--node-name', 'jobd-node-1'],
      prepare: (data) => execFileSync(path.join(root, 'scripts/build-images.sh'), [path.join(data, 'images')], { stdio: 'ignore' }) });
  } else {
    console.log('note: real containers not used (CONSOLE_REAL_AGENT=0, or no crun/conmon, or not root): the guide Job runs on the test node only');
  }
  browser = await chromium.launch({
    executablePath: chromePath, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const newPage = async (opts = {}) => {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN', acceptDownloads: true, ...opts });
    ctx.setDefaultTimeout(10000);
    return ctx.newPage();
  };
  registerModuleTests(unit);
  registerTests({ bin, srv, real, node, noLogs, base: srv.base, newPage, screenshots: process.env.SCREENSHOTS ? path.resolve(root, process.env.SCREENSHOTS) : null, root });
  result = await run({ newPage, artifacts: path.join(here, 'artifacts'), only: process.argv[2] });
} catch (e) {
  console.log(`setup failed: ${e.stack}`);
  if (srv) console.log(srv.logText());
} finally {
  for (const n of nodes) await n.stop().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  for (const s of [srv, real]) {
    if (!s) continue;
    const code = await s.stop();
    // the ASan build reports leaks and errors through a non-zero exit
    if (code !== 0) { console.log(`jobd server exited with ${code}:\n${s.logText()}`); result.failed++; }
    s.cleanup();
  }
}
console.log(`console tests took ${((Date.now() - t0) / 1000).toFixed(1)}s`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed ? 1 : 0);
