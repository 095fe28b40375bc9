// Shared helpers for the browser end-to-end tests: a static server on 127.0.0.1, Debian's
// Chromium through playwright-core, and clicks/typing at the positions the console publishes in
// window.__crm_ui (see ui/test_hooks.h).
//
// Every UI action waits for the state it expects, so the tests hold on a loaded machine:
// - click(page, id, expect, what) waits until the item's rectangle is the same in two frames
//   (an item's first frame can be laid out where a tab bar or popup had it before), presses and
//   releases the mouse in separate frames, then waits until expect(state) holds. When the state
//   has not arrived after a few rendered frames, the click was lost: the rectangle is read again
//   and the item clicked again, a bounded number of times, within a bounded time.
// - press(page, key, expect, what) does the same for a key, type(page, id, text, expect, what)
//   focuses a text field (the console's text caret must be in it) and checks the text arrived.
//   Each answers the state of the frame after the one that satisfied expect(state) when it still
//   does: lists the console reads again after a change appear one frame after the change's own state.
// Waits count the console's frames (window.__e2e_frames, one per requestAnimationFrame, which is
// also what drives the console's main loop), so "a few frames" stretches with the machine's load;
// times are only outer bounds. No action sleeps a fixed time to synchronise.
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

// Outer bounds (ms). Generous: on a loaded machine a frame of the console can take a second.
const WAIT_MS = 90000;       // one expected state (waitUi, and the whole of one action)
const READY_MS = 180000;     // the console opening its workspace
// Frames after a click or key without the expected state before it counts as lost. A click is
// handled within two frames of the release and published at the end of that frame; a key within
// one frame per key queued before it (ui/console_host.cpp feeds one key press per frame).
const SETTLE_FRAMES = 12;
const ATTEMPTS = 4;
const TRACE = !!process.env.CRM_E2E_TRACE;  // logs how long each action took

let checks = 0;
let retries = 0;
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

// Installed in the page before its scripts: a frame counter (one per requestAnimationFrame, the
// same tick that runs the console's main loop) and the reads the helpers make, so that each step
// of a wait is one round trip to the page (on a loaded machine a round trip costs a good part of
// a frame).
function installPageHelpers() {
  if (window.__e2e) return;
  let frame = 0;
  const waiters = [];
  const tick = () => {
    ++frame;
    for (let i = waiters.length - 1; i >= 0; --i) {
      if (frame >= waiters[i].at) { waiters[i].resolve(); waiters.splice(i, 1); }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const after = n => new Promise(resolve => n <= 0 ? resolve() : waiters.push({ at: frame + n, resolve }));
  let sent = null;
  // The state (only when it changed since the last read: the console publishes a new object each
  // time), the frame count, and where the hidden text field (shell.html's #crm-text-input) sits:
  // the console moves it to ImGui's text caret in every frame in which a text field has the focus.
  const probe = () => {
    const ime = document.getElementById('crm-text-input');
    const x = ime ? parseFloat(ime.style.left) : NaN, y = ime ? parseFloat(ime.style.top) : NaN;
    const s = window.__crm_ui, same = s !== undefined && s === sent;
    sent = s;
    return { s: same ? undefined : s, same, f: frame, caret: isNaN(x) || isNaN(y) ? null : [x, y] };
  };
  window.__e2e = {
    frame: () => frame,
    after,
    probe: async wait => { await after(wait); return probe(); },
    // The item's rectangle now and `wait` frames later (undefined when not on screen), and where
    // it is when scrolled out of view.
    rect: async (id, wait) => {
      const at = () => { const s = window.__crm_ui || {}; return (s.items || {})[id]; };
      const first = at();
      await after(wait);
      const s = window.__crm_ui || {};
      return { first, now: at(), offscreen: (s.offscreen || {})[id] };
    },
    clearCaret: () => {
      const ime = document.getElementById('crm-text-input');
      if (ime) { ime.style.left = '-10000px'; ime.style.top = '-10000px'; }
    },
  };
}

/**
 * Launches Chromium with a persistent profile (IndexedDB survives a relaunch); `deviceScaleFactor`
 * is the page's devicePixelRatio; `extraArgs` are further Chromium switches (benchmarks' references).
 */
async function launch(profileDir, viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1, extraArgs = []) {
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CRM_CHROMIUM || '/usr/bin/chromium', headless: true,
    args: CHROMIUM_ARGS.concat(extraArgs), viewport, deviceScaleFactor });
  await ctx.addInitScript(installPageHelpers);
  const page = ctx.pages()[0] || await ctx.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', e => console.log('  [pageerror] ' + e));
  page.on('console', m => { if (m.type() === 'error' && !/WebGL|GPU stall/.test(m.text())) console.log('  [console.error] ' + m.text()); });
  return { ctx, page };
}

/** The console's latest published UI state. */
function ui(page) { return page.evaluate(() => window.__crm_ui); }

// page.evaluate with an outer bound (a page that stopped drawing would never answer a frame wait).
function inPage(page, fn, arg, timeout = WAIT_MS) {
  let timer;
  return Promise.race([
    page.evaluate(fn, arg).finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the page drew no frame for ' +
      timeout + ' ms')), timeout); })]);
}

// Reads the page after `wait` frames: {s: state, f: frame count, caret: [x, y] or null}.
const cache = new WeakMap();
async function probe(page, wait = 0) {
  const p = await inPage(page, w => window.__e2e.probe(w), wait);
  if (p.same) p.s = cache.get(page); else cache.set(page, p.s);
  return p;
}

/** Waits until the page has drawn `n` more frames. */
async function frames(page, n = 1) {
  await inPage(page, k => window.__e2e.after(k), n);
}

/** Waits until the console has opened its workspace and drawn a few frames. */
async function waitReady(page, timeout = READY_MS) {
  await page.waitForFunction(() => window.__crm_ui && window.__crm_ui.ready && window.__crm_ui.frame > 3,
    null, { timeout });
  return ui(page);
}

const brief = s => JSON.stringify(s && { ...s, items: Object.keys(s.items || {}).join(' '),
  offscreen: Object.keys(s.offscreen || {}).length + ' items' });

/**
 * Reads the page once a frame (the first read after `firstWait` frames) until predicate(state,
 * probe) holds; resolves to {state} or, once `maxFrames` frames have passed or `deadline` (ms
 * since the epoch) is reached, to {state: null, last: the last read}.
 */
async function pollFrames(page, predicate, maxFrames, deadline, firstWait = 0) {
  let first = null;
  for (let wait = firstWait; ; wait = 1) {
    const p = await probe(page, wait);
    if (first === null) first = p.f;
    if (p.s && predicate(p.s, p)) return { state: p.s, last: p };
    if (p.f - first >= maxFrames || Date.now() > deadline) return { state: null, last: p };
  }
}

/** Waits until predicate(state) holds for the published UI state. */
async function waitUi(page, predicate, what, timeout = WAIT_MS) {
  const { state, last } = await pollFrames(page, predicate, Infinity, Date.now() + timeout);
  if (state) return state;
  throw new Error('timed out waiting for ' + what + '; state: ' + JSON.stringify(last && last.s));
}

/** Waits until `probe()` (any test-side check, awaited) answers something truthy, and answers it. */
async function waitFor(what, probe, timeout = WAIT_MS) {
  const t0 = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - t0 > timeout) throw new Error('timed out waiting for ' + what);
    await new Promise(r => setTimeout(r, 25));
  }
}

/** The first of two tabs on one workspace: `page` opens the console and stores its new workspace. */
async function openFirstTab(page, url) {
  await page.goto(url);
  await waitReady(page);
  return waitUi(page, s => s.save === 'saved', 'the first tab stored the new workspace');
}

/** Another tab of the browser context `ctx` on the console at `url`: {page, state} once it is ready. */
async function openAnotherTab(ctx, url, viewport = null) {
  const page = await ctx.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(url);
  return { page, state: await waitReady(page) };
}

/**
 * Runs `fn(arg)` in a page of the site's origin that does not run the console (the script file, shown as
 * text): the page store's IndexedDB content read or written as the console would find it.
 */
async function onOrigin(server, ctx, fn, arg) {
  const page = await ctx.newPage();
  await page.goto(server.url.replace('index.html', 'index.js'));
  const result = await page.evaluate(fn, arg);
  await page.close();
  return result;
}

/** Scrolls the page under the mouse (wheel) until `id` is drawn on screen, as a person would. */
async function scrollTo(page, id, deadline = Date.now() + WAIT_MS) {
  for (let i = 0; i < 40; i++) {
    const s = await ui(page);
    if (s.items && s.items[id]) return s;
    const off = s.offscreen && s.offscreen[id];
    if (!off) break;
    // The wheel goes to the window under the mouse: rest it on the on-screen sibling nearest to the
    // item (e.g. another entry of the same list), else on the middle of the page.
    const vp = page.viewportSize();
    const prefix = id.slice(0, id.lastIndexOf('.') + 1);
    let at = [vp.width * 0.6, vp.height * 0.5], best = Infinity;
    for (const [key, r] of Object.entries(s.items || {})) {
      const d = Math.abs(r[1] - off[1]);
      if (prefix && key.startsWith(prefix) && d < best) { best = d; at = [r[0] + r[2] / 2, r[1] + r[3] / 2]; }
    }
    await page.mouse.move(at[0], at[1]);
    await page.mouse.wheel(0, off[1] < at[1] ? -120 : 120);
    await frames(page, 2);
  }
  return waitUi(page, st => st.items && st.items[id], 'item ' + id, Math.max(1, deadline - Date.now()));
}

const sameRect = (a, b) => a && b && a.every((v, i) => Math.abs(v - b[i]) < 0.5);

/** The item's rectangle once it is on screen and has not moved for two frames. */
async function settledRect(page, id, deadline) {
  for (;;) {
    const r = await inPage(page, i => window.__e2e.rect(i, 2), id);
    if (sameRect(r.first, r.now)) return r.now;
    if (Date.now() > deadline) throw new Error('item ' + id + ' not on screen or still moving: ' + JSON.stringify(r));
    if (!r.now) await scrollTo(page, id, deadline);
  }
}

/** Moves to the centre of `rect`, presses and releases the left button, each in its own frame. */
async function pressAt(page, [x, y, w, h]) {
  await page.mouse.move(x + w / 2, y + h / 2);
  await frames(page, 1);
  await page.mouse.down();
  await frames(page, 1);
  await page.mouse.up();
}

/**
 * Runs `act` until predicate(state, probe) holds: when it has not after `settle` frames, `act`
 * runs again (at most `attempts` times in all, within `timeout`). Resolves to the state.
 */
/**
 * What an action changed shows over two frames: the frame that handled it publishes its own state (a
 * form closed, an error set), and the lists the console reads again when the workspace changed are
 * read at the start of the next. Answers the next frame's state while it still satisfies `predicate`
 * (else `state`), so a test reads the lists and the drawn errors with it.
 */
async function settled(page, predicate, state) {
  const next = await probe(page, 1);
  return next.s && predicate(next.s, next) ? next.s : state;
}

async function until(page, label, act, predicate, what, { attempts = ATTEMPTS, settle = SETTLE_FRAMES,
                                                       timeout = WAIT_MS } = {}) {
  if (typeof predicate !== 'function') throw new Error(label + ': say what state to wait for');
  const deadline = Date.now() + timeout;
  let last = null;
  for (let attempt = 1; attempt <= attempts; ++attempt) {
    await act(deadline);
    // (a click is handled in the frame after the release, and published at that frame's end)
    const r = await pollFrames(page, predicate, settle, deadline, 2);
    if (TRACE) console.log(`  [trace] ${label}: ${Date.now() - deadline + timeout} ms`);
    if (r.state) return settled(page, predicate, r.state);
    last = r.last;
    if (Date.now() > deadline) break;
    if (attempt < attempts) {
      retries++;
      console.log(`  [retry] ${label}: no ${what} after ${settle} frames (attempt ${attempt}); again`);
    }
  }
  throw new Error(`${label} did not lead to ${what}; state: ${brief(last && last.s)}; caret: ` +
    JSON.stringify(last && last.caret));
}

/**
 * Clicks the centre of the item the console published under `id` (scrolling it into view) and
 * waits until expect(state) holds; a lost click is retried. Resolves to the state.
 */
function click(page, id, expect, what, options = {}) {
  return until(page, 'click on ' + id, async deadline => {
    const rect = await settledRect(page, id, deadline);
    if (options.focus) await clearCaret(page);
    await pressAt(page, rect);
  }, expect, what, options);
}

/**
 * Clicks the item `id` that opens the browser's file picker and gives the picker `file`. The console
 * handles a click a frame after it arrives; on a busy machine that can be after the browser's user
 * activation has lapsed, and then no picker opens: the click is made again, at most 5 times.
 */
async function pickFile(page, id, file) {
  for (let attempt = 1; ; attempt++) {
    const choosing = page.waitForEvent('filechooser', { timeout: 20000 }).catch(() => null);
    await click(page, id, () => true, 'the file picker');
    const chooser = await choosing;
    if (chooser) return chooser.setFiles(file);
    if (attempt === 5) throw new Error(`no file picker opened after ${attempt} clicks on ${id}`);
  }
}

// Moves the hidden text field away so that only a frame with a focused text field puts it back.
function clearCaret(page) { return page.evaluate(() => window.__e2e.clearCaret()); }

/** A predicate: the console's text caret is inside the item `id` (that text field has the focus). */
function focusedOn(id) {
  return (s, p) => {
    const r = s.items && s.items[id], c = p && p.caret;
    return !!(r && c && c[0] >= r[0] - 2 && c[0] <= r[0] + r[2] + 2 && c[1] >= r[1] - 2 && c[1] <= r[1] + r[3] + 2);
  };
}

/** Clicks the text field `id` until it has the keyboard focus. */
function focus(page, id, options = {}) {
  return click(page, id, focusedOn(id), 'the keyboard focus in ' + id, { ...options, focus: true });
}

/** Presses `key` (e.g. 'Control+K') and waits until expect(state) holds; a lost key is pressed again. */
function press(page, key, expect, what, options = {}) {
  return until(page, 'key ' + key, async () => {
    if (options.focus) await clearCaret(page);
    await page.keyboard.press(key);
  }, expect, what, options);
}

/**
 * Types `text` into the text field `id` (focused first; null: where the focus already is) and
 * waits until expect(state) holds. By default the text replaces the field's content (Ctrl+A,
 * Backspace first; '' empties the field) and a lost keystroke is repaired by typing it all again; {append: true} types at the end
 * instead (then nothing is retyped). Without `expect` (a field that publishes nothing), waits
 * until the console has had a frame for every key typed (its input queue has drained).
 */
async function type(page, id, text, expect, what, { append = false, attempts = 3, timeout = WAIT_MS } = {}) {
  const deadline = Date.now() + timeout;
  const left = () => Math.max(1, deadline - Date.now());
  for (let attempt = 1; ; ++attempt) {
    if (id) await focus(page, id, { timeout: left() });
    if (append) {
      await page.keyboard.press('End');
    } else {
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
    }
    await page.keyboard.type(text, { delay: 10 });
    // The console takes one key press a frame (ui/console_host.cpp): the keys typed need that many.
    const keys = [...text].length + (append ? 1 : 3);
    if (!expect) {
      await frames(page, keys + 4);
      return ui(page);
    }
    const r = await pollFrames(page, expect, keys + SETTLE_FRAMES, deadline);
    if (r.state) return settled(page, expect, r.state);
    if (append || attempt >= attempts || Date.now() > deadline) {
      throw new Error(`typing "${text}" into ${id || 'the focused field'} did not lead to ${what}; state: ` +
        brief(r.last && r.last.s));
    }
    retries++;
    console.log(`  [retry] typing into ${id || 'the focused field'}: no ${what} (attempt ${attempt}); again`);
  }
}

/** Waits until every commit the page made is stored in IndexedDB (before a reload that must find it). */
async function waitStored(page, timeout = WAIT_MS) {
  await page.waitForFunction(() => window.Module && Module.crmPages &&
    Module.crmPages.savedSeq >= Module.crmPages.lastSeq, null, { timeout, polling: 50 });
}

/**
 * Waits until every commit is stored and the top bar says so: the top bar alone can still show the
 * last commit's "saved" for a frame after a newer one was made, and a browser closed then loses it.
 */
async function waitSaved(page, timeout = WAIT_MS) {
  await waitStored(page, timeout);
  await waitUi(page, s => s.save === 'saved', 'the top bar to say saved', timeout);
}

/** Rests the mouse on item `id` for `n` frames (e.g. to show its tooltip in a screenshot). */
async function hover(page, id, n = 8) {
  const rect = await settledRect(page, id, Date.now() + WAIT_MS);
  await page.mouse.move(rect[0] + rect[2] / 2, rect[1] + rect[3] / 2);  // (no click)
  await frames(page, n);
  return rect;
}

/**
 * Presses on the centre of item `from`, moves over the centre of `to` in steps (a frame each) and releases
 * there (an ImGui drag and drop). Both must be on screen. Says nothing of the result: wait for its state.
 */
async function drag(page, from, to, steps = 8) {
  const s = await ui(page);
  const a = s.items[from], b = s.items[to];
  if (!a || !b) throw new Error(`drag: ${from} or ${to} not on screen`);
  const [ax, ay, bx, by] = [a[0] + a[2] / 2, a[1] + a[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2];
  await page.mouse.move(ax, ay);
  await frames(page, 1);
  await page.mouse.down();
  await frames(page, 1);
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(ax + (bx - ax) * i / steps, ay + (by - ay) * i / steps);
    await frames(page, 1);
  }
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 2);
}

/** Whether the item `id` is drawn in this frame, on screen or scrolled out of view (a list's entry). */
const drawn = (s, id) => !!((s.items && s.items[id]) || (s.offscreen && s.offscreen[id]));

/** Calls the JS bridge window.crm with a command object; returns the parsed answer. */
async function crm(page, request) {
  // A write a tab may not make yet (another tab of the workspace holds the writer lease) is refused
  // as storage.busy with nothing changed, and the tab asks for the lease: like any client, try again
  // (bounded: 15 s).
  const t0 = Date.now();
  for (;;) {
    const answer = JSON.parse(await page.evaluate(r => window.crm(r), JSON.stringify(request)));
    if (answer.ok || !answer.error || answer.error.code !== 'storage.busy' || Date.now() - t0 > 15000) return answer;
    await new Promise(r => setTimeout(r, 20));
  }
}

/**
 * Starts tests/net/http_peer.py (127.0.0.1, a port the kernel picks; it answers the CORS preflight and the
 * requests in turn with `script`'s statuses, then 200) logging to OUT/<name>.jsonl; resolves to
 * {port, log, stop}. Bounded: 30 s for it to print its port. stop() closes its stdin (it exits).
 */
function startPeer(name, script = '') {
  const { spawn } = require('child_process');
  const log = path.join(OUT, name + '.jsonl');
  fs.rmSync(log, { force: true });
  const peer = path.join(__dirname, '..', 'net', 'http_peer.py');
  const child = spawn('/usr/bin/python3', [peer, log, '--script', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('the HTTP peer did not start')); }, 30000);
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve({ port: parseInt(out, 10), log,
        stop: () => { child.stdin.end(); setTimeout(() => child.kill('SIGKILL'), 3000).unref(); } });
    });
    child.on('exit', () => { clearTimeout(timer); reject(new Error('the HTTP peer exited')); });
  });
}
/**
 * Starts the stand-in ERP (tests/net/erp_standin.py: its own SQLite file in OUT, 127.0.0.1, CORS allowed) with
 * `args` (['--key', KEY]...). Resolves {port, call(method, path, body) -> Promise<{status, body}>, stop()}.
 */
function startErp(name, args = []) {
  const { spawn } = require('child_process');
  const http = require('http');
  const db = path.join(OUT, name + '.db');
  fs.rmSync(db, { force: true });
  const script = path.join(__dirname, '..', 'net', 'erp_standin.py');
  const child = spawn('/usr/bin/python3', [script, db, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('the stand-in ERP did not start')); }, 30000);
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      const port = parseInt(out, 10);
      const headers = { 'Content-Type': 'application/json' };
      const keyAt = args.indexOf('--key');
      const header = args.includes('--header') ? args[args.indexOf('--header') + 1] : 'X-Api-Key';
      if (keyAt >= 0) headers[header] = args[keyAt + 1];
      const call = (method, where, body) => new Promise((ok, fail) => {
        const req = http.request({ host: '127.0.0.1', port, method, path: where, headers, timeout: 10000 }, res => {
          let text = '';
          res.on('data', d => { text += d; });
          res.on('end', () => ok({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
        });
        req.on('timeout', () => req.destroy(new Error('the stand-in ERP did not answer')));
        req.on('error', fail);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
      resolve({ port, call,
        stop: () => { child.stdin.end(); setTimeout(() => child.kill('SIGKILL'), 3000).unref(); } });
    });
    child.on('exit', () => { clearTimeout(timer); reject(new Error('the stand-in ERP exited')); });
  });
}
/** The requests a peer logged so far: [{method, path, headers, body, answer}]. */
const peerRequests = log => fs.existsSync(log)
  ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l)) : [];

function done() { console.log(`${checks} checks passed` + (retries ? ` (${retries} actions retried)` : '')); }

module.exports = { OUT, check, serve, launch, waitReady, waitStored, waitSaved, ui, waitUi, waitFor, openFirstTab,
  openAnotherTab, onOrigin, frames, scrollTo, click, pickFile, focus, focusedOn, press, type, hover, drag, drawn, crm, startPeer,
  startErp, peerRequests, done };
