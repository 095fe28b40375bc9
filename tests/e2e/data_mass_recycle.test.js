// Data > Mass changes and the recycle bin, on the canvas: three Accounts are selected by a filter formula,
// counted, deleted after the confirmation (into the recycle bin); the recycle bin lists them, filtered by
// text, and restoring them puts them back with their ids. Then Export (reached with Ctrl+3) downloads them
// as CSV.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, click, press, type, drawn, crm, done } = require('./lib');

const data = st => st.data || {};
const mass = st => data(st).mass || {};
const bin = st => data(st).recycle || {};
const PREFIX = 'E2E Mass ' + Date.now().toString(36);
const FILTER = `BEGINS(Name, "${PREFIX}")`;

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-data-mass-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    await waitReady(page);
    const ids = [];
    for (let i = 1; i <= 3; ++i) {
      const r = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account',
        values: { Name: `${PREFIX} ${i} 测试` } } });
      check(r.ok, `Account ${i} created`);
      ids.push(r.result.Id);
    }

    // [1] Data > Mass changes: delete, Account, the filter, count.
    let s = await click(page, 'nav.data', st => st.page === 'data' && !!data(st).tab, 'the Data page');
    check(!!s.items['data.tab.mass'] && !!s.items['data.tab.recycle'], 'the Data page is built, with its tabs');
    await click(page, 'data.tab.mass', st => data(st).tab === 'mass', 'the mass changes tab');
    await click(page, 'data.mass.op', st => drawn(st, 'data.mass.op.option.delete'), 'the changes');
    await click(page, 'data.mass.op.option.delete', st => mass(st).op === 'delete', 'delete chosen');
    check(mass(await require('./lib').ui(page)).object === 'Account', 'the object is Account');
    await type(page, 'data.mass.filter', FILTER, st => st.form['data.mass.filter'] === FILTER, 'the filter');
    s = await click(page, 'data.mass.count', st => mass(st).count >= 0 || !!mass(st).error, 'the count');
    check(mass(s).count === 3, `the preview counts 3 records (${mass(s).count}; ${mass(s).error})`);

    // [2] Apply asks first; the confirmation deletes them into the bin.
    await click(page, 'data.mass.apply', st => !!(st.items || {})['data.mass.confirm.ok'], 'the confirmation');
    s = await click(page, 'data.mass.confirm.ok', st => mass(st).undo || !!mass(st).error, 'the delete');
    check(!mass(s).error, `the mass delete succeeded (${mass(s).message})`);
    const gone = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Account', filter_formula: FILTER } });
    check(gone.ok && gone.result.total === 0, 'the three Accounts are gone');
    await page.screenshot({ path: path.join(OUT, 'data_mass_deleted.png') });

    // [3] The recycle bin lists them; filter, select the shown ones, restore.
    s = await click(page, 'data.tab.recycle', st => data(st).tab === 'recycle' && bin(st).total >= 3, 'the recycle bin');
    s = await type(page, 'data.recycle.filter', PREFIX, st => (bin(st).entries || []).length === 3 &&
      bin(st).entries.every(e => e.name.startsWith(PREFIX)), 'the three entries filtered');
    check(bin(s).entries.every(e => e.object === 'Account' && e.deleted_by === 'admin'),
      'the entries name the object and who deleted them');
    await click(page, 'data.recycle.select_all', st => (bin(st).entries || []).every(e => e.selected), 'all selected');
    s = await click(page, 'data.recycle.restore', st => /3/.test(bin(st).message || '') && !bin(st).error,
      'the restore');
    check(true, `the restore says so: ${bin(s).message}`);
    const back = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Account', filter_formula: FILTER } });
    check(back.ok && back.result.total === 3, 'the three Accounts are back');
    check(back.result.rows.map(r => r.Id).sort().join() === ids.slice().sort().join(), 'with their ids');
    s = await require('./lib').waitUi(page, st => (bin(st).entries || []).length === 0, 'the bin without them');
    check(true, 'the bin no longer lists them');
    await page.screenshot({ path: path.join(OUT, 'data_recycle_restored.png') });

    // [4] Export (Ctrl+3): the same filter, CSV, downloaded.
    await press(page, 'Control+3', st => data(st).tab === 'export', 'the export tab', { focus: true });
    const exp = st => data(st).export || {};
    s = await type(page, 'data.export.filter', FILTER, st => st.form['data.export.filter'] === FILTER, 'the filter');
    check(exp(s).object === 'Account' && exp(s).format === 'csv', 'Account as CSV');
    const downloading = page.waitForEvent('download');
    s = await click(page, 'data.export.run', st => exp(st).rows >= 0 || !!exp(st).error, 'the export');
    check(exp(s).rows === 3, `3 records exported (${exp(s).rows}; ${exp(s).error})`);
    const download = await downloading;
    const file = path.join(OUT, 'e2e-' + download.suggestedFilename());
    await download.saveAs(file);
    const csv = fs.readFileSync(file, 'utf8');
    check([1, 2, 3].every(i => csv.includes(`${PREFIX} ${i} 测试`)) && csv.split('\r\n').filter(Boolean).length === 4,
      `the CSV holds a header and the three Accounts (${download.suggestedFilename()})`);
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
