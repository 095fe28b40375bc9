// Browser persistence benchmark: what persisting one edit costs, at the demo size and at 50 MB and
// 200 MB, with the page store (each commit's changed pages in one IndexedDB transaction,
// web/page_store.js) and, for comparison in the same build, the earlier release's whole-file IDBFS
// sync (`?storage=idbfs`). The database is grown with filler rows (a bench-only hook,
// crm_web_bench_pad) so that the size, not the number of records, is what varies.
//   persist.sync_ms.<size>              one field edited (company.update) -> stored in IndexedDB,
//                                       median of 20 (page store)
//   persist.sync_p90_ms.<size>          the 90th percentile of those 20: an edit whose write meets a frame
//                                       (headless software WebGL's drawing shares the two cores)
//   persist.idbfs_sync_ms.<size>        the same with the earlier IDBFS sync (median of 20 at the
//                                       demo size, of 5 at 50 and 200 MB: each one writes the file)
//   persist.sync_ratio_vs_raw_put.<size>  page store over one raw IndexedDB put of the whole file
//   persist.max_frame_gap_ms.<size>     the longest gap between two animation frames during the edits
//   persist.write_kb.<size>             what the page store put in IndexedDB for one edit (median)
//   persist.store_ms.<size>             sync_ms with the console's drawing paused (median of 20): the
//                                       storing alone, without headless software WebGL's frames
//   persist.open_ms.50mb                navigation -> workspace open and console ready, reopening a
//                                       stored 50 MB workspace (page store; idbfs_open_ms the same)
//   persist.open_read_ms.50mb           of that, reading the pages from IndexedDB into the VFS
//   persist.peak_mb.50mb                the page's renderer process peak resident memory (VmHWM)
//                                       after reopening the 50 MB workspace (idbfs_peak_mb the same);
//                                       .demo the same after reopening the demo workspace (reference)
//   persist.open_extra_mb.50mb          peak_mb.50mb - peak_mb.demo: what opening 50 MB more costs
//   persist.open_extra_ratio.50mb       that over the database's size (1 = one copy; must stay < 2)
//   persist.wasm_heap_mb.<size>         the wasm memory after reopening (the VFS's page arena lives there)
//   persist.db_kb.<size>                the database size
//   persist.idb_floor_ms                one IndexedDB transaction putting 100 bytes (durability
//                                       "strict", as the page store writes), median of 20: what
//                                       the machine's disk makes the least possible save cost
// Usage: CRM_SITE=build/web/site node bench/persist/persist.bench.js [sizes, e.g. demo,50mb,200mb]
//        (CRM_BENCH_MODES=pages runs the page store only)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { serve, launch, waitReady, waitSaved, waitUi } = require('../../tests/e2e/lib');

const figure = (name, value) => console.log(`${name}: ${Number(Number(value).toPrecision(4))}`);
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// One edit persisted: from the request to the end of the IndexedDB write that holds it. With `still`, the
// console's main loop is paused meanwhile (no frame drawn: what storing costs without the frames of
// headless Chromium's software WebGL, which hold the main thread for 30-100 ms each on this machine).
async function editsMs(page, count, still = false) {
  return page.evaluate(async ([count, still]) => {
    const pages = Module.crmPages.mode === 'pages';
    if (still) Module.pauseMainLoop();
    const times = [], kbs = [];
    let gaps = 0, last = performance.now(), watching = true;
    const tick = t => { gaps = Math.max(gaps, t - last); last = t; if (watching) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    for (let i = 0; i < count; i++) {
      let stored;
      if (pages) {
        stored = new Promise((resolve, reject) => {
          const on = e => {
            if (e.detail.seq < Module.crmPages.lastSeq) return;
            window.removeEventListener('crm-stored', on);
            if (e.detail.code) reject(new Error(e.detail.message)); else resolve();
          };
          window.addEventListener('crm-stored', on);
        });
      } else {
        const orig = FS.syncfs;
        stored = new Promise(resolve => {
          FS.syncfs = function (populate, cb) {
            FS.syncfs = orig;
            orig.call(FS, populate, err => { resolve(); cb(err); });
          };
        });
      }
      const t0 = performance.now();
      const answer = JSON.parse(window.crm(JSON.stringify({ cmd: 'company.update', as: 'admin',
        args: { name: 'Bench ' + i + ' ' + Math.random().toString(36).slice(2, 8) } })));
      if (!answer.ok) throw new Error(JSON.stringify(answer.error));
      await stored;
      times.push(performance.now() - t0);
      if (pages) kbs.push(Module.crmPages.lastWriteKb);
      await new Promise(r => setTimeout(r, 20));
    }
    watching = false;
    if (still) Module.resumeMainLoop();
    return { times, gaps, kbs };
  }, [count, still]);
}

async function rawPutMs(page, bytes) {
  return page.evaluate(async size => {
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) data[i] = i & 255;
    const db = await new Promise((res, rej) => {
      const req = indexedDB.open('crm-bench-raw', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('blobs');
      req.onsuccess = () => res(req.result); req.onerror = () => rej(req.error);
    });
    const t0 = performance.now();
    await new Promise((res, rej) => {
      const tx = db.transaction('blobs', 'readwrite');
      tx.objectStore('blobs').put(data, 'db');
      tx.oncomplete = res; tx.onerror = () => rej(tx.error);
    });
    const ms = performance.now() - t0;
    db.close();
    await new Promise(r => { const d = indexedDB.deleteDatabase('crm-bench-raw'); d.onsuccess = d.onerror = r; });
    return ms;
  }, bytes);
}

async function floorMs(page) {
  return page.evaluate(async () => {
    const db = await new Promise((res, rej) => {
      const req = indexedDB.open('crm-bench-floor', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('s');
      req.onsuccess = () => res(req.result); req.onerror = () => rej(req.error);
    });
    const times = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await new Promise(r => {
        const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
        tx.objectStore('s').put(new Uint8Array(100), i); tx.oncomplete = r;
      });
      times.push(performance.now() - t0);
    }
    db.close();
    times.sort((a, b) => a - b);
    return times[10];
  });
}

const dbBytes = page => page.evaluate(() => {
  if (Module.crmPages.mode === 'pages') return Module.crmPages.db ? new Promise(resolve => {
    const tx = Module.crmPages.db.transaction('meta');
    const r = tx.objectStore('meta').get('db');
    r.onsuccess = () => resolve(r.result.pageSize * r.result.pageCount);
  }) : 0;
  return FS.stat('/data/crm.db').size;
});

// Peak resident memory (VmHWM, MB) of the renderer processes of the browser using `profile`.
function rendererPeakMb(profile) {
  let best = 0;
  const procs = fs.readdirSync('/proc').filter(d => /^\d+$/.test(d));
  const cmd = pid => { try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch (e) { return ''; } };
  const browser = procs.filter(p => cmd(p).includes(profile) && !cmd(p).includes('--type='));
  for (const p of procs) {
    const c = cmd(p);
    if (!c.includes('--type=renderer')) continue;
    let status = '';
    try { status = fs.readFileSync(`/proc/${p}/status`, 'utf8'); } catch (e) { continue; }
    const ppid = (status.match(/PPid:\s+(\d+)/) || [])[1];
    // A renderer is a child of the browser's zygote, itself a child of the browser.
    let up = ppid, ok = false;
    for (let i = 0; i < 4 && up && up !== '1'; i++) {
      if (browser.includes(up)) { ok = true; break; }
      try { up = (fs.readFileSync(`/proc/${up}/status`, 'utf8').match(/PPid:\s+(\d+)/) || [])[1]; } catch (e) { break; }
    }
    if (!ok) continue;
    const hwm = Number((status.match(/VmHWM:\s+(\d+)/) || [])[1] || 0) / 1024;
    best = Math.max(best, hwm);
  }
  return best;
}

async function grow(page, mb) {
  if (!mb) return;
  const rc = await page.evaluate(mb => Module._crm_web_bench_pad(mb), mb);
  if (rc) throw new Error('growing the database failed');
  // Every commit of the growth stored (one 200 MB run that waited for the top bar alone measured the
  // database before its growth).
  await waitSaved(page, 600000);
}

const peaks = {};  // renderer peaks after reopening, by mode prefix + size label

async function run(server, mode, label, mb, open) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-persist-'));
  const url = server.url + (mode === 'idbfs' ? '?storage=idbfs' : '');
  const prefix = mode === 'idbfs' ? 'persist.idbfs_' : 'persist.';
  let { ctx, page } = await launch(profile);
  try {
    await page.goto(url);
    await waitReady(page);
    await waitUi(page, s => s.save === 'saved', 'the new workspace stored');
    await grow(page, mb);
    const bytes = await dbBytes(page);
    if (bytes < mb * 0.9 * 1024 * 1024) throw new Error(`the stored database is ${Math.round(bytes / 1024)} KB, not ${mb} MB`);
    const count = mode === 'pages' || !mb ? 20 : 5;
    const { times, gaps, kbs } = await editsMs(page, count);
    if (mode === 'pages') figure(`persist.db_kb.${label}`, bytes / 1024);
    if (mode === 'pages' && !mb) figure('persist.idb_floor_ms', await floorMs(page));
    figure(`${prefix}sync_ms.${label}`, median(times));
    if (mode === 'pages') {
      figure(`persist.sync_p90_ms.${label}`, [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)]);
      figure(`persist.sync_ratio_vs_raw_put.${label}`, median(times) / Math.max(await rawPutMs(page, bytes), 0.01));
      figure(`persist.max_frame_gap_ms.${label}`, gaps);
      figure(`persist.write_kb.${label}`, median(kbs));
      figure(`persist.store_ms.${label}`, median((await editsMs(page, count, true)).times));
    }
    if (open) {
      await ctx.close();
      ({ ctx, page } = await launch(profile));
      await page.goto(url);
      await waitReady(page);
      const ms = await page.evaluate(() => window.__crm_ready_ms);
      figure(`${prefix}open_ms.${label}`, ms);
      if (mode === 'pages') figure(`persist.open_read_ms.${label}`, await page.evaluate(() => Module.crmPages.readMs));
      const peak = rendererPeakMb(profile);
      figure(`${prefix}peak_mb.${label}`, peak);
      figure(`${prefix}wasm_heap_mb.${label}`, await page.evaluate(() => HEAPU8.length / 1048576));
      peaks[prefix + label] = peak;
      const base = peaks[prefix + 'demo'];
      if (mb && base) {
        figure(`${prefix}open_extra_mb.${label}`, peak - base);
        figure(`${prefix}open_extra_ratio.${label}`, (peak - base) / (bytes / 1048576));
      }
    }
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

(async () => {
  const sizes = (process.argv[2] || 'demo,50mb,200mb').split(',');
  const server = await serve();
  try {
    for (const label of sizes) {
      const mb = label === 'demo' ? 0 : parseInt(label, 10);
      for (const mode of (process.env.CRM_BENCH_MODES || 'pages,idbfs').split(',')) {
        await run(server, mode, label, mb, label === 'demo' || label === '50mb');
      }
    }
  } finally {
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
