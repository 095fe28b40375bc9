// Browser persistence benchmark: what one IndexedDB sync of the workspace costs, and whether it
// stalls the frame. IDBFS stores each changed file as one whole blob, so the cost grows with the
// database, not with the change: measured at the demo size and after growing the database.
// Reference in the same page: one raw IndexedDB put of a blob of the same size.
//   persist.sync_ms.<size>            commit -> IndexedDB sync done (FS.syncfs(false))
//   persist.sync_ratio_vs_raw_put.<size>  that, over the raw put of the same bytes
//   persist.max_frame_gap_ms.<size>   the longest gap between two animation frames during the sync
//   persist.idle_max_frame_gap_ms.<size>  the same over half a second with no sync (reference)
//   persist.db_kb.<size>              the database file size
// Usage: CRM_SITE=build/web/site node bench/persist/persist.bench.js [extra_accounts]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { serve, launch, waitReady, crm } = require('../../tests/e2e/lib');

const figure = (name, value) => console.log(`${name}: ${Number(value.toPrecision(4))}`);

async function measure(page, label) {
  const r = await page.evaluate(async () => {
    const size = FS.stat('/data/crm.db').size;
    // Baseline: the longest frame gap over half a second with nothing to sync.
    const idle = await new Promise(resolve => {
      let worst = 0, prev = performance.now(); const end = prev + 500;
      const step = t => { worst = Math.max(worst, t - prev); prev = t; if (t < end) requestAnimationFrame(step); else resolve(worst); };
      requestAnimationFrame(step);
    });
    // Time the next sync and watch the frames meanwhile.
    let gaps = 0, last = performance.now(), watching = true;
    const tick = t => { gaps = Math.max(gaps, t - last); last = t; if (watching) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    const orig = FS.syncfs;
    const synced = new Promise(resolve => {
      FS.syncfs = function (populate, cb) {
        const t0 = performance.now();
        orig.call(FS, populate, err => { FS.syncfs = orig; resolve(performance.now() - t0); cb(err); });
      };
    });
    const answer = JSON.parse(window.crm(JSON.stringify({ cmd: 'company.update', as: 'admin',
      args: { name: 'Bench ' + Math.random().toString(36).slice(2, 8) } })));
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    const syncMs = await synced;
    await new Promise(r => setTimeout(r, 50));
    watching = false;
    // Reference: one raw IndexedDB put of the same number of bytes.
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) bytes[i] = i & 255;
    const db = await new Promise((res, rej) => {
      const req = indexedDB.open('crm-bench-raw', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('blobs');
      req.onsuccess = () => res(req.result); req.onerror = () => rej(req.error);
    });
    const t0 = performance.now();
    await new Promise((res, rej) => {
      const tx = db.transaction('blobs', 'readwrite');
      tx.objectStore('blobs').put(bytes, 'db');
      tx.oncomplete = res; tx.onerror = () => rej(tx.error);
    });
    const rawMs = performance.now() - t0;
    db.close();
    return { size, syncMs, rawMs, gaps, idle };
  });
  figure(`persist.db_kb.${label}`, r.size / 1024);
  figure(`persist.sync_ms.${label}`, r.syncMs);
  figure(`persist.sync_ratio_vs_raw_put.${label}`, r.syncMs / Math.max(r.rawMs, 0.01));
  figure(`persist.max_frame_gap_ms.${label}`, r.gaps);
  figure(`persist.idle_max_frame_gap_ms.${label}`, r.idle);
}

(async () => {
  const extra = Number(process.argv[2] || 20000);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-persist-'));
  const server = await serve();
  const { ctx, page } = await launch(profile);
  try {
    await page.goto(server.url);
    await waitReady(page);
    await measure(page, 'demo');
    for (let done = 0; done < extra; done += 2000) {
      const records = [];
      for (let i = 0; i < 2000; i++) records.push({ Name: `Bench account ${done + i} 基准客户`, Phone: '+86 21 5555 0100' });
      const r = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account', records } });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
    }
    await page.waitForTimeout(500);
    await measure(page, 'grown');
  } finally {
    await ctx.close();
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch(e => { console.error(e); process.exit(1); });
