// A workspace saved by the earlier release (the whole file in IDBFS) opens with the page store,
// is moved over once with nothing lost, and the old store is removed after the move is stored.
// The earlier store is written by the earlier code path itself: `?storage=idbfs` runs it. Then a page
// store of the first format (groups of 16 pages, made here from the stored pages) opens, and its next
// commit stores it in today's groups of 15 (60 KB records, under Chromium's 64 KB blob-file threshold).
// Last, the pages a commit changed are stored alone, and folded back into their groups past a bound. Each
// reopening of a small store takes the records read while the wasm compiled (page_store.js, Prefetch).
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitSaved, waitUi, crm, onOrigin, done } = require('./lib');

const update = (page, name) => crm(page, { cmd: 'company.update', as: 'admin', args: { name } });
const source = page => page.evaluate(() => Module.crmPages.source);
const databases = page => page.evaluate(async () => (await indexedDB.databases()).map(d => d.name));

// Reads the page store (in the page of onOrigin) and, given `group`, writes it again in groups of `group`
// pages as format 1 wrote them; answers the layout found (or written): format, group, records, the largest.
const regroup = group => new Promise((resolve, reject) => {
  const req = indexedDB.open('crm-workspace', 1);
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    const tx = db.transaction(['pages', 'meta'], 'readonly');
    const store = tx.objectStore('pages'), meta = tx.objectStore('meta').get('db');
    // The groups (number keys), then the pages stored alone over them ([n] keys, format 3).
    const all = store.getAll(IDBKeyRange.bound(0, Infinity));
    const aloneKeys = store.getAllKeys(IDBKeyRange.lowerBound([0])), alone = store.getAll(IDBKeyRange.lowerBound([0]));
    tx.oncomplete = () => {
      const m = meta.result, size = m.pageSize;
      const layout = { format: m.format, group: m.group, pageSize: size, pageCount: m.pageCount,
        records: all.result.length, alone: alone.result.length,
        largest: Math.max(...all.result.map(b => b.byteLength)) };
      if (!group) { db.close(); resolve(layout); return; }
      const file = new Uint8Array(m.pageCount * size);
      all.result.forEach((bytes, g) => file.set(bytes, g * m.group * size));
      alone.result.forEach((bytes, i) => file.set(bytes, (aloneKeys.result[i][0] - 1) * size));
      const w = db.transaction(['pages', 'meta'], 'readwrite');
      const pages = w.objectStore('pages');
      pages.clear();
      const count = Math.ceil(m.pageCount / group);
      for (let g = 0; g < count; g++) pages.put(file.slice(g * group * size, Math.min(m.pageCount, (g + 1) * group) * size), g);
      w.objectStore('meta').put({ ...m, format: 1, group }, 'db');
      w.oncomplete = () => { db.close(); resolve({ ...layout, format: 1, group, records: count }); };
      w.onerror = () => reject(w.error);
    };
  };
});

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-migration-'));
  const server = await serve();
  let { ctx, page } = await launch(profile);
  try {
    // 1. The earlier release: whole-file IDBFS persistence.
    await page.goto(server.url + '?storage=idbfs');
    await waitReady(page);
    check((await update(page, 'Saved By IDBFS')).ok, 'the earlier release accepts a change');
    const created = await crm(page, { cmd: 'records.create', as: 'admin',
      args: { object: 'Account', records: [{ Name: 'Migrated Account 迁移' }] } });
    check(created.ok, 'and a new account');
    await waitUi(page, s => s.save === 'saved', 'the earlier release stored both (IDBFS sync)');
    const before = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Account' } });
    check(before.ok, 'the accounts list reads');
    check((await databases(page)).includes('/data'), 'the IDBFS store exists');
    await ctx.close();

    // 2. The page store opens it, moved over once.
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    check(await source(page) === 'idbfs', 'the workspace came from the earlier IDBFS store');
    check((await crm(page, { cmd: 'company.get' })).result.name === 'Saved By IDBFS', 'the saved name is there');
    const after = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Account' } });
    check(JSON.stringify(after.result) === JSON.stringify(before.result), 'every account is there, unchanged');
    await waitUi(page, s => s.save === 'saved', 'the moved workspace is stored as pages');
    await page.waitForFunction(async () => !(await indexedDB.databases()).some(d => d.name === '/data'),
      null, { timeout: 60000, polling: 200 });
    check(true, 'the IDBFS store is removed once the pages are stored');
    check((await update(page, 'Saved As Pages')).ok, 'a change after the move is accepted');
    await waitSaved(page);
    await ctx.close();

    // 3. The next visit reads the pages; nothing is migrated again.
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    check(await source(page) === 'pages', 'the next visit opens the page store');
    check((await crm(page, { cmd: 'company.get' })).result.name === 'Saved As Pages', 'the later change is there');
    const again = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Account' } });
    check(again.result.total === after.result.total, 'the accounts are all still there');
    await ctx.close();

    // 4. A store of the first page format (groups of 16 pages) opens, and its next commit stores today's.
    ({ ctx, page } = await launch(profile));
    const rewritten = await onOrigin(server, ctx, regroup, 16);
    check(rewritten.group === 16 && rewritten.format === 1, `the store is rewritten in groups of 16 (${JSON.stringify(rewritten)})`);
    await page.goto(server.url);
    await waitReady(page);
    check(await source(page) === 'pages', 'the first format opens');
    check(await page.evaluate(() => Module.crmPages.prefetchUsed),
      'its records were read while the wasm compiled, and used');
    check((await crm(page, { cmd: 'company.get' })).result.name === 'Saved As Pages', 'with the saved name');
    const fromOld = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Account' } });
    check(JSON.stringify(fromOld.result) === JSON.stringify(again.result), 'and every account, unchanged');
    check((await update(page, 'Saved In Groups Of 15')).ok, 'a change is accepted');
    await waitSaved(page);
    const now = await onOrigin(server, ctx, regroup, 0);
    check(now.format === 3 && now.group === 15 && now.records === Math.ceil(now.pageCount / 15) &&
      now.largest <= 15 * now.pageSize, `the store is in groups of 15 now (${JSON.stringify(now)})`);
    await ctx.close();
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    check((await crm(page, { cmd: 'company.get' })).result.name === 'Saved In Groups Of 15', 'and reads back');

    // 5. A commit stores the pages it changed alone; with their bound lowered to 4, a run of edits folds
    //    groups back whole, and the store reopens with every edit.
    await page.evaluate(() => { Module.crmPages.maxAlone = 4; });
    const kbs = [];
    for (let i = 0; i < 12; i++) {
      const made = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account', records: [{ Name: 'Fold ' + i }] } });
      check(made.ok, `account Fold ${i} is created`);
      await waitSaved(page);
      kbs.push(await page.evaluate(() => Module.crmPages.lastWriteKb));
    }
    check(Math.min(...kbs) < 60, `an edit stores less than one group of 60 KB (KB per edit: ${kbs.map(Math.round).join(', ')})`);
    const folds = await page.evaluate(() => Module.crmPages.folds);
    const folded = await onOrigin(server, ctx, regroup, 0);
    check(folds > 0 && folded.alone <= 4 + 32,
      `groups were folded back (${folds}) and few pages are stored alone (${JSON.stringify(folded)})`);
    const named = { object: 'Account', filters: [{ field: 'Name', op: 'starts_with', value: 'Fold ' }], limit: 1000 };
    const accounts = await crm(page, { cmd: 'records.list', as: 'admin', args: named });
    await ctx.close();
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    const reread = await crm(page, { cmd: 'records.list', as: 'admin', args: named });
    check(JSON.stringify(reread.result) === JSON.stringify(accounts.result) && reread.result.total === 12,
      'reopened, every account is there, the twelve new ones too');
    check(await page.evaluate(() => Module.crmPages.prefetchUsed),
      'the groups and the pages stored alone were read while the wasm compiled, and used');
    check((await page.evaluate(() => Module.ccall('crm_web_integrity_check', 'string', [], []))) === 'ok',
      'PRAGMA integrity_check says ok');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
