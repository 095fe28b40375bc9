// When IndexedDB is unavailable the console says so and keeps working in memory, and nothing
// saved earlier is damaged: a later visit with storage back finds the earlier data intact.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitSaved, crm, done } = require('./lib');

const update = (page, name) => crm(page, { cmd: 'company.update', as: 'admin', args: { name } });

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-storage-'));
  const server = await serve();
  let { ctx, page } = await launch(profile);
  try {
    // 1. A normal visit saves a name to IndexedDB.
    await page.goto(server.url);
    await waitReady(page);
    check((await update(page, 'Saved Before')).ok, 'a change through window.crm is accepted');
    await waitSaved(page);  // this commit, not only the top bar's last "saved", before the browser closes
    await ctx.close();

    // 2. A visit where IndexedDB throws: memory only, said plainly, still working.
    ({ ctx, page } = await launch(profile));
    await page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { get() { throw new Error('IndexedDB disabled by test'); } });
    });
    await page.goto(server.url);
    const s = await waitReady(page);
    check(s.save === 'memory', 'the save state says the console works in memory only');
    check(typeof s.save_reason === 'string' && s.save_reason.length > 0, 'the reason is shown: ' + s.save_reason);
    check((await update(page, 'Only In Memory')).ok, 'changes still work in memory');
    check((await crm(page, { cmd: 'company.get' })).result.name === 'Only In Memory', 'the in-memory change reads back');
    await page.screenshot({ path: path.join(OUT, 'storage_unavailable.png') });
    await ctx.close();

    // 3. Storage is back: the data saved in step 1 is intact.
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    const back = await crm(page, { cmd: 'company.get' });
    check(back.result.name === 'Saved Before', 'the data saved before is intact when storage returns');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
