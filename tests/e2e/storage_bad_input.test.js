// What the page store does with storage it cannot use, each simulated in Chromium: the quota
// exceeded in the middle of a commit's pages, a store written by a newer version, stored pages
// that do not form a database. Each: a clear message, the console keeps working in memory, and
// nothing already saved is damaged. Then a store the browser itself discards as corrupt: a new
// workspace, stored, and a banner that says so. (IndexedDB unavailable: storage_unavailable.test.js.)
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitStored, waitUi, crm, frames, onOrigin, done } = require('./lib');

const update = (page, name) => crm(page, { cmd: 'company.update', as: 'admin', args: { name } });
const nameOf = async page => (await crm(page, { cmd: 'company.get' })).result.name;
// The page store starts a write only when the VFS hands it a commit (Module.crmPages.commit, which
// starts the write at once): a console working in memory hands over nothing, so no write can follow.
const handedOver = page => page.evaluate(() => Module.crmPages.lastSeq);
async function checkNoWrite(page, before) {
  const st = await page.evaluate(() => ({ seq: Module.crmPages.lastSeq, busy: Module.crmPages.busy }));
  check(st.seq === before && !st.busy, `no commit handed to the page store (commit ${st.seq}), no write under way`);
}

const readStore = () => new Promise((resolve, reject) => {
  const req = indexedDB.open('crm-workspace', 1);
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const tx = req.result.transaction(['pages', 'meta'], 'readonly');
    const meta = tx.objectStore('meta').get('db');
    const keys = tx.objectStore('pages').getAllKeys();
    const first = tx.objectStore('pages').get(0);
    tx.oncomplete = () => {
      const bytes = first.result ? Array.from(first.result.slice(0, 64)) : [];
      resolve(JSON.stringify({ meta: meta.result, keys: keys.result, first: bytes }));
      req.result.close();
    };
  };
});

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const server = await serve();
  let ctx, page;
  try {
    // 1. Quota exceeded mid-commit: the commit's pages are put, then its last write (the meta
    //    record) throws QuotaExceededError.
    const profile = fs.mkdtempSync(path.join(OUT, 'profile-bad-input-'));
    ({ ctx, page } = await launch(profile));
    const logs = [];
    page.on('console', m => logs.push(m.text()));
    await ctx.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (value, key) {
        if (window.__quota && this.name === 'meta' && key === 'db') {
          throw new DOMException('The quota has been exceeded (simulated).', 'QuotaExceededError');
        }
        return put.call(this, value, key);
      };
    });
    await page.goto(server.url);
    await waitReady(page);
    check((await update(page, 'Before Quota')).ok, 'a change is accepted');
    await waitUi(page, s => s.save === 'saved', 'and stored');
    const stored = await onOrigin(server, ctx, readStore);
    await page.evaluate(() => { window.__quota = true; });
    // A change of several pages (many accounts), so the failure falls in the middle of its pages.
    const records = [];
    for (let i = 0; i < 300; i++) records.push({ Name: `Quota account ${i} 配额客户` });
    check((await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account', records } })).ok,
      'a large change is accepted in memory');
    check((await update(page, 'During Quota')).ok, 'and a later one');
    let s = await waitUi(page, s => s.save === 'failed', 'the save state says the write failed');
    check(/quota/i.test(s.save_reason), 'with the reason (quota): ' + s.save_reason);
    // And what is unsaved: the commits since the last stored one, kept in memory (both changes).
    s = await waitUi(page, s => s.save === 'failed' && s.save_unsaved >= 2, 'the save state counts the unsaved changes');
    check(s.save_text.startsWith(`Failed, ${s.save_unsaved} unsaved`) && s.save_unsaved_kb > 0 &&
      s.save_unsaved_text.includes(`${s.save_unsaved} changes`) && s.save_unsaved_text.includes(`${s.save_unsaved_kb} KB`),
      `the top bar says how much is unsaved: "${s.save_text}" / "${s.save_unsaved_text}"`);
    const said = /saving to IndexedDB failed: .*quota.*; \d+ changes? \(commits \d+-\d+, \d+ KB of pages\) not saved/i;
    for (const until = Date.now() + 10000; !logs.some(l => said.test(l)) && Date.now() < until;) await frames(page, 1);
    check(logs.some(l => said.test(l)),
      'and the browser console too: ' + (logs.filter(l => /IndexedDB failed/.test(l)).pop() || '(nothing)'));
    check(await nameOf(page) === 'During Quota', 'the console keeps working in memory');
    check(await onOrigin(server, ctx, readStore) === stored, 'the stored pages are exactly those of before');
    await page.screenshot({ path: path.join(OUT, 'storage_quota.png') });
    await ctx.close();
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    check(await nameOf(page) === 'Before Quota', 'reopened: the state of the last stored commit');
    check(await page.evaluate(() => Module.ccall('crm_web_integrity_check', 'string', [], [])) === 'ok',
      'and the database is sound (integrity_check ok)');
    await ctx.close();

    // 1b. When space is back, the pending pages are written with the next commit.
    ({ ctx, page } = await launch(profile));
    await ctx.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (value, key) {
        if (window.__quota && this.name === 'pages') {
          throw new DOMException('The quota has been exceeded (simulated).', 'QuotaExceededError');
        }
        return put.call(this, value, key);
      };
    });
    await page.goto(server.url);
    await waitReady(page);
    await page.evaluate(() => { window.__quota = true; });
    check((await update(page, 'Kept Pending')).ok, 'a change while the quota is exceeded');
    await waitUi(page, s => s.save === 'failed', 'fails to store');
    await page.evaluate(() => { window.__quota = false; });
    check((await update(page, 'After Space Freed')).ok, 'a change once space is back');
    s = await waitUi(page, s => s.save === 'saved', 'stores both');
    check(s.save_unsaved === 0 && s.save_unsaved_text === '', 'and nothing is left unsaved');
    await ctx.close();
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    check(await nameOf(page) === 'After Space Freed', 'reopened: the changes after the failure are there');

    // 2. A store written by a newer version: memory only, the store untouched.
    await onOrigin(server, ctx, () => new Promise(resolve => {
      const req = indexedDB.open('crm-workspace', 1);
      req.onsuccess = () => {
        const tx = req.result.transaction('meta', 'readwrite');
        const store = tx.objectStore('meta');
        const get = store.get('db');
        get.onsuccess = () => { const m = get.result; m.format = 99; store.put(m, 'db'); };
        tx.oncomplete = () => { req.result.close(); resolve(); };
      };
    }));
    await ctx.close();
    ({ ctx, page } = await launch(profile));
    const newer = await onOrigin(server, ctx, readStore);
    await page.goto(server.url);
    s = await waitReady(page);
    check(s.save === 'memory', 'a newer store: the console works in memory');
    check(s.banner_kind === 'newer_version' && s.banner.length > 0, 'the banner says why: ' + s.banner);
    let handed = await handedOver(page);
    check((await update(page, 'Only In Memory')).ok, 'changes work in memory');
    await checkNoWrite(page, handed);
    check(await onOrigin(server, ctx, readStore) === newer, 'the newer store is untouched');
    await ctx.close();

    // 3. Pages that do not form a database.
    ({ ctx, page } = await launch(profile));
    await onOrigin(server, ctx, () => new Promise(resolve => {
      const req = indexedDB.open('crm-workspace', 1);
      req.onsuccess = () => {
        const tx = req.result.transaction(['pages', 'meta'], 'readwrite');
        tx.objectStore('meta').put({ format: 1, pageSize: 4096, pageCount: 3, group: 16, seq: 7, time: 0 }, 'db');
        tx.objectStore('pages').clear();
        tx.objectStore('pages').put(new Uint8Array(3 * 4096).fill(37), 0);
        tx.oncomplete = () => { req.result.close(); resolve(); };
      };
    }));
    const garbage = await onOrigin(server, ctx, readStore);
    await page.goto(server.url);
    s = await waitReady(page);
    check(s.save === 'memory', 'damaged pages: the console works in memory');
    check(s.banner_kind === 'open_failed' && /valid database/.test(s.banner), 'the banner says why: ' + s.banner);
    handed = await handedOver(page);
    check((await update(page, 'Also In Memory')).ok, 'changes work in memory');
    await checkNoWrite(page, handed);
    check(await onOrigin(server, ctx, readStore) === garbage, 'the stored pages are left as they were');
    await ctx.close();

    // 4. A store the browser itself finds corrupt: Chromium deletes it and opens an empty one,
    //    saying so only to that opening (dataLoss). The console starts a new workspace, stores it,
    //    and says what happened instead of showing the demo company as if nothing had been lost.
    const lostProfile = fs.mkdtempSync(path.join(OUT, 'profile-store-lost-'));
    ({ ctx, page } = await launch(lostProfile));
    await page.goto(server.url);
    await waitReady(page);
    check((await update(page, 'Before The Loss')).ok, 'a change is stored');
    await waitStored(page);
    await ctx.close();
    const idb = path.join(lostProfile, 'Default', 'IndexedDB');
    const leveldb = fs.readdirSync(idb).filter(f => f.endsWith('.indexeddb.leveldb')).map(f => path.join(idb, f));
    let flipped = 0;
    for (const dir of leveldb) {
      for (const f of fs.readdirSync(dir).filter(f => /\.(ldb|log)$/.test(f))) {
        const bytes = fs.readFileSync(path.join(dir, f));
        for (let i = 0; i < bytes.length; i += 7) bytes[i] ^= 0xff;
        fs.writeFileSync(path.join(dir, f), bytes);
        flipped += bytes.length;
      }
    }
    check(flipped > 0, `the profile's IndexedDB files are damaged (${flipped} bytes of LevelDB tables and logs)`);
    ({ ctx, page } = await launch(lostProfile));
    await page.goto(server.url);
    s = await waitReady(page);
    check(s.banner_kind === 'store_lost' && /discarded its stored copy as corrupt/.test(s.banner),
      'the banner says the browser discarded the stored workspace: ' + s.banner);
    await page.screenshot({ path: path.join(OUT, 'storage_store_lost.png') });
    check(await nameOf(page) !== 'Before The Loss', 'the workspace is a new one (the browser lost the old)');
    s = await waitUi(page, s => s.save === 'saved', 'the new workspace is stored');
    check((await update(page, 'After The Loss')).ok, 'changes are accepted');
    await waitStored(page);
    await ctx.close();
    ({ ctx, page } = await launch(lostProfile));
    await page.goto(server.url);
    s = await waitReady(page);
    check(await nameOf(page) === 'After The Loss' && s.banner_kind === '',
      'reopened: the new workspace is there, with no banner');
    done();
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
