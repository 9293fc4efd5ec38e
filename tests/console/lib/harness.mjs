// harness.mjs — a tiny test runner: test(name, fn) registers, run() executes in order,
// each test in a fresh browser page, and prints "N passed, N failed" as the last line.
// A failing test saves a screenshot under tests/console/artifacts/ for the post-mortem.

import fs from 'node:fs';
import path from 'node:path';

const tests = [];
export function test(name, fn) { tests.push({ name, fn }); }
// a test that needs no browser page
export function unit(name, fn) { tests.push({ name, fn, noPage: true }); }

export class CheckError extends Error {}
export function check(cond, what, evidence) {
  if (!cond) throw new CheckError(`${what}${evidence !== undefined ? `\n    evidence: ${typeof evidence === 'string' ? evidence : JSON.stringify(evidence).slice(0, 2000)}` : ''}`);
}

// polls pred until it returns a truthy value or the deadline passes
export async function waitFor(pred, what, timeoutMs = 15000, intervalMs = 100) {
  const t0 = Date.now();
  const end = t0 + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await pred();
      if (last) { if (process.env.CONSOLE_DEBUG) console.log(`    waited ${Date.now() - t0}ms for ${what}`); return last; }
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new CheckError(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

export async function run({ newPage, artifacts, only }) {
  let passed = 0, failed = 0;
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    const t0 = Date.now();
    if (t.noPage) {
      console.log(`- ${t.name}`);
      let ok = true;
      try { await t.fn(); } catch (e) { ok = false; console.log(`  FAIL: ${e instanceof CheckError ? e.message : e.stack}`); }
      console.log(`  ${ok ? 'ok' : 'FAIL'} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
      if (ok) passed++; else failed++;
      continue;
    }
    const page = await newPage();
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) consoleErrors.push(m.text()); });
    let ok = true;
    console.log(`- ${t.name}`);
    try {
      await t.fn(page);
      check(consoleErrors.length === 0, 'no JavaScript errors in the page', consoleErrors.join('\n'));
    } catch (e) {
      ok = false;
      console.log(`  FAIL: ${e instanceof CheckError ? e.message : e.stack}`);
      try {
        fs.mkdirSync(artifacts, { recursive: true });
        const file = path.join(artifacts, `${t.name.replace(/\W+/g, '_')}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`  screenshot: ${file}`);
      } catch { /* the page may be gone */ }
    }
    await page.context().close().catch(() => {});
    console.log(`  ${ok ? 'ok' : 'FAIL'} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    if (ok) passed++; else failed++;
  }
  return { passed, failed };
}
