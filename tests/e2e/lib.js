// Shared helpers for the browser end-to-end tests: a static server on 127.0.0.1, Debian's
// Chromium through playwright-core, and clicks/typing at the positions the console publishes in
// window.__crm_ui (see ui/test_hooks.h).
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const SITE = process.env.CRM_SITE;
const OUT = process.env.CRM_OUT || path.resolve('e2e-out');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.data': 'application/octet-stream', '.png': 'image/png' };

let checks = 0;
/** Asserts a condition; the message names the behaviour checked. */
function check(cond, message) {
  checks++;
  if (!cond) throw new Error('check failed: ' + message);
  console.log('  ok - ' + message);
}

/** Serves the built site on a free loopback port; resolves to {url, close}. */
function serve(root = SITE) {
  if (!root || !fs.existsSync(path.join(root, 'index.html'))) throw new Error('no built site at ' + root);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/index.html`,
    close: () => new Promise(r => server.close(r)) })));
}

/** Launches Chromium with a persistent profile (IndexedDB survives a relaunch). */
async function launch(profileDir, viewport = { width: 1280, height: 800 }) {
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CRM_CHROMIUM || '/usr/bin/chromium', headless: true,
    args: CHROMIUM_ARGS, viewport });
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('pageerror', e => console.log('  [pageerror] ' + e));
  page.on('console', m => { if (m.type() === 'error' && !/WebGL|GPU stall/.test(m.text())) console.log('  [console.error] ' + m.text()); });
  return { ctx, page };
}

/** Waits until the console has opened its workspace and drawn a few frames. */
async function waitReady(page, timeout = 60000) {
  await page.waitForFunction(() => window.__crm_ui && window.__crm_ui.ready && window.__crm_ui.frame > 3,
    null, { timeout });
  return ui(page);
}

/** The console's latest published UI state. */
function ui(page) { return page.evaluate(() => window.__crm_ui); }

/** Waits until predicate(state) holds for the published UI state. */
async function waitUi(page, predicate, what, timeout = 15000) {
  const start = Date.now();
  for (;;) {
    const s = await ui(page);
    if (s && predicate(s)) return s;
    if (Date.now() - start > timeout) throw new Error('timed out waiting for ' + what + '; state: ' + JSON.stringify(s));
    await page.waitForTimeout(50);
  }
}

/** Scrolls the page under the mouse (wheel) until `id` is drawn on screen, as a person would. */
async function scrollTo(page, id) {
  for (let i = 0; i < 40; i++) {
    const s = await ui(page);
    if (s.items && s.items[id]) return s;
    const off = s.offscreen && s.offscreen[id];
    if (!off) break;
    const vp = page.viewportSize();
    await page.mouse.move(vp.width * 0.6, vp.height * 0.5);
    await page.mouse.wheel(0, off[1] < vp.height / 2 ? -120 : 120);
    await page.waitForTimeout(80);
  }
  return waitUi(page, st => st.items && st.items[id], 'item ' + id);
}

/** Clicks the centre of the item the console published under `id` (scrolling it into view). */
async function click(page, id) {
  const s = await scrollTo(page, id);
  const [x, y, w, h] = s.items[id];
  await page.mouse.move(x + w / 2, y + h / 2);
  await page.waitForTimeout(60);
  await page.mouse.down();
  await page.waitForTimeout(60);
  await page.mouse.up();
  await page.waitForTimeout(120);
}

/** Calls the JS bridge window.crm with a command object; returns the parsed answer. */
async function crm(page, request) {
  return JSON.parse(await page.evaluate(r => window.crm(r), JSON.stringify(request)));
}

function done() { console.log(`${checks} checks passed`); }

module.exports = { OUT, check, serve, launch, waitReady, ui, waitUi, scrollTo, click, crm, done };
