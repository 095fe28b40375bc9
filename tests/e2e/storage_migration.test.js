// A workspace saved by the earlier release (the whole file in IDBFS) opens with the page store,
// is moved over once with nothing lost, and the old store is removed after the move is stored.
// The earlier store is written by the earlier code path itself: `?storage=idbfs` runs it.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, crm, done } = require('./lib');

const update = (page, name) => crm(page, { cmd: 'company.update', as: 'admin', args: { name } });
const source = page => page.evaluate(() => Module.crmPages.source);
const databases = page => page.evaluate(async () => (await indexedDB.databases()).map(d => d.name));

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
    await waitUi(page, s => s.save === 'saved', 'and stored');
    await ctx.close();

    // 3. The next visit reads the pages; nothing is migrated again.
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    check(await source(page) === 'pages', 'the next visit opens the page store');
    check((await crm(page, { cmd: 'company.get' })).result.name === 'Saved As Pages', 'the later change is there');
    const again = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Account' } });
    check(again.result.total === after.result.total, 'the accounts are all still there');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
