// First frame of the web console with the demo company: the time from navigation start to the
// first frame the console drew (window.__crm_first_frame_ms, set by web/main_web.cpp), with an
// empty cache (a new profile) and warm (the same profile again: HTTP cache, compiled code cache),
// and what the first load transferred. Served with caching allowed (the tests' server forbids it).
// A warm load is a returning visit: the page before it was shown for a second (SETTLE_MS), as a
// person looks at a page before reloading it.
//   web.first_frame_ms.cold / .warm   median of 5 (each cold run in a new profile; warm: its first reload)
//   web.first_frame_ms.warm_repeat    the same profiles' fourth load (third reload)
//   web.first_frame_ms.warm_immediate  the first reload started the moment the cold load drew its first
//                                     frame (no pause): that visit's own after-work (the new workspace's
//                                     first write, V8 optimising what ran hot) still shares the two cores
//   web.first_frame_ms.warm_eager_wasm  reference, not the product: the first reload with Chromium told
//                                     to compile every wasm function at once (--no-wasm-lazy-compilation),
//                                     which a page cannot ask for (see docs/ARCHITECTURE.md)
//   web.open_ms.warm / .warm_immediate / .warm_eager_wasm   the stored pages read -> the workspace open
//   web.ready_ms.cold / .warm         navigation -> workspace open and console ready
//   web.mark_ms.warm.<milestone>      when the warm load reached main, fonts built, store read,
//                                     workspace open (window.__crm_marks, web/main_web.cpp)
//   web.download_kb                   bytes transferred by the cold load (document, JS, wasm, data)
//   web.wasm_kb, web.js_kb, web.data_kb   the files' sizes (data: the UI fonts, fetched after the first frame)
// Usage: CRM_SITE=build/web/site node bench/persist/first_frame.bench.js
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { launch } = require('../../tests/e2e/lib');

const SITE = process.env.CRM_SITE;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const figure = (name, value) => console.log(`${name}: ${Number(Number(value).toPrecision(4))}`);
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function serve() {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(SITE, path.normalize(rel));
    if (!file.startsWith(SITE) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      'Content-Length': fs.statSync(file).size, 'Cache-Control': 'max-age=3600' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/index.html`, close: () => new Promise(r => server.close(r)) })));
}

async function load(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__crm_first_frame_ms !== undefined && window.__crm_ready, null,
    { timeout: 180000, polling: 50 });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    let bytes = nav ? nav.transferSize : 0;
    for (const r of performance.getEntriesByType('resource')) bytes += r.transferSize;
    return { first: window.__crm_first_frame_ms, ready: window.__crm_ready_ms, bytes, marks: window.__crm_marks || {} };
  });
}

const SETTLE_MS = 1000;

// Five new profiles, each loaded `loads` times (the first load cold, the rest warm), each load after
// the one before was shown for `settleMs`.
async function series(url, loads, settleMs, extraArgs = []) {
  const byLoad = Array.from({ length: loads }, () => []);
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-frame-'));
    const { ctx, page } = await launch(profile, undefined, undefined, extraArgs);
    try {
      for (let n = 0; n < loads; n++) {
        if (n > 0) await new Promise(resolve => setTimeout(resolve, settleMs));
        const r = await load(page, url);
        if (n === 0) bytes = Math.max(bytes, r.bytes);
        byLoad[n].push(r);
      }
    } finally {
      await ctx.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  }
  return { byLoad, bytes };
}

(async () => {
  const server = await serve();
  let main, immediate, eager;
  try {
    main = await series(server.url, 4, SETTLE_MS);
    immediate = await series(server.url, 2, 0);
    eager = await series(server.url, 2, SETTLE_MS, ['--js-flags=--no-wasm-lazy-compilation']);
  } finally {
    await server.close();
  }
  const [coldRuns, warmRuns, , repeatRuns] = main.byLoad;
  const cold = coldRuns.map(r => r.first), warm = warmRuns.map(r => r.first);
  const readyCold = coldRuns.map(r => r.ready), readyWarm = warmRuns.map(r => r.ready);
  const marksWarm = {};
  for (const r of warmRuns)
    for (const [name, ms] of Object.entries(r.marks)) (marksWarm[name] = marksWarm[name] || []).push(ms);
  const bytes = main.bytes;
  figure('web.first_frame_ms.cold', median(cold));
  figure('web.first_frame_ms.warm', median(warm));
  figure('web.first_frame_ms.warm_repeat', median(repeatRuns.map(r => r.first)));
  figure('web.first_frame_ms.warm_immediate', median(immediate.byLoad[1].map(r => r.first)));
  figure('web.first_frame_ms.warm_eager_wasm', median(eager.byLoad[1].map(r => r.first)));
  // The workspace's opening alone (stored pages read -> workspace open).
  const opening = runs => median(runs.map(r => r.marks.workspace_open - r.marks.store_read));
  figure('web.open_ms.warm', opening(warmRuns));
  figure('web.open_ms.warm_immediate', opening(immediate.byLoad[1]));
  figure('web.open_ms.warm_eager_wasm', opening(eager.byLoad[1]));
  figure('web.ready_ms.cold', median(readyCold));
  figure('web.ready_ms.warm', median(readyWarm));
  // Where the warm load's time goes (web/main_web.cpp's milestones, ms since navigation): main
  // entered, fonts built (the atlas), the stored pages read, the workspace open.
  for (const [name, list] of Object.entries(marksWarm)) figure(`web.mark_ms.warm.${name}`, median(list));
  figure('web.download_kb', bytes / 1024);
  const size = f => fs.existsSync(path.join(SITE, f)) ? fs.statSync(path.join(SITE, f)).size / 1024 : 0;
  figure('web.wasm_kb', size('index.wasm'));
  figure('web.js_kb', size('index.js'));
  // The UI fonts come beside the page after the first frame (no index.data since they stopped being preloaded).
  figure('web.data_kb', size('index.data') + size('crm_font.ttf') + size('crm_symbols.ttf'));
})().catch(e => { console.error(e); process.exit(1); });
