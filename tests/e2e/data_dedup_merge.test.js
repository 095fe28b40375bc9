// Data > Duplicates, on the canvas: a duplicate rule on Account (same phone, scans only) is made in the rule
// editor; two Accounts with the same phone written two ways (made through window.crm) are found by a scan of
// that rule; the merge screen keeps the first as the master but takes the other's Billing City; after the
// confirmation the master holds the chosen values and the other is in the recycle bin. Restoring it from the
// Recycle bin tab undoes the merge: it is back and the master's Billing City is its own again. Last, the rule
// is deleted after a confirmation.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, drawn, crm, done } = require('./lib');

const data = st => st.data || {};
const dd = st => data(st).dedup || {};
const bin = st => data(st).recycle || {};
const TAG = Date.now().toString(36);
const PREFIX = 'E2E Dedup ' + TAG;
const RULE = 'E2E_same_phone_' + TAG;

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-data-dedup-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    await waitReady(page);
    const make = async values => {
      const r = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account', values } });
      check(r.ok, `Account ${values.Name} created (${r.ok ? '' : JSON.stringify(r.error)})`);
      return r.result.Id;
    };
    const a = await make({ Name: `${PREFIX} 测试 Alpha`, Phone: '+86 10 7777 1234', BillingCity: 'Beijing' });
    const b = await make({ Name: `${PREFIX} 测试 Beta`, Phone: '010-7777-1234', BillingCity: 'Hangzhou' });

    // [1] Data > Duplicates: Account's rules are listed.
    await click(page, 'nav.data', st => st.page === 'data' && !!data(st).tab, 'the Data page');
    let s = await click(page, 'data.tab.dedup', st => data(st).tab === 'dedup' && (dd(st).rules || []).length > 0,
      'the duplicates tab with its rules');
    check(dd(s).object === 'Account', 'the object is Account');
    check(dd(s).rules.some(r => r.name === 'Similar_company_name'), "the demo's Account rule is listed");

    // [2] A new rule in the editor: Phone compared as a phone number, scans only.
    await click(page, 'data.dedup.new_rule', st => !!dd(st).editor, 'the rule editor');
    await type(page, 'data.dedup.editor.name', RULE, st => st.form['data.dedup.editor.name'] === RULE, 'the name');
    await click(page, 'data.dedup.cond.0.field', st => drawn(st, 'data.dedup.cond.0.field.option.Phone'), 'the fields');
    await click(page, 'data.dedup.cond.0.field.option.Phone',
      st => dd(st).editor && dd(st).editor.rule.conditions[0].field === 'Phone', 'Phone chosen');
    await click(page, 'data.dedup.cond.0.method', st => drawn(st, 'data.dedup.cond.0.method.option.phone'), 'the methods');
    await click(page, 'data.dedup.cond.0.method.option.phone',
      st => dd(st).editor && dd(st).editor.rule.conditions[0].method === 'phone', 'phone chosen');
    await click(page, 'data.dedup.editor.action', st => drawn(st, 'data.dedup.editor.action.option.scan_only'),
      'the actions');
    await click(page, 'data.dedup.editor.action.option.scan_only',
      st => dd(st).editor && dd(st).editor.rule.action === 'scan_only', 'scans only chosen');
    // Saved: the editor closes, and the list shows the rule from a later frame on (the frame of the click
    // drew the list before the save).
    s = await click(page, 'data.dedup.editor.save', st => (!dd(st).editor && (dd(st).rules || []).some(r => r.name === RULE)) ||
      (dd(st).editor && Object.keys(dd(st).editor.errors).length > 0), 'the rule saved and listed');
    check(!dd(s).editor, `the rule saved (${JSON.stringify(dd(s).editor && dd(s).editor.errors)})`);
    const rule = dd(s).rules.find(r => r.name === RULE);
    check(!!rule && rule.action === 'scan_only' && rule.conditions[0].method === 'phone', 'and listed as made');
    const listed = await crm(page, { cmd: 'dedup.rules.list', as: 'admin', args: { object: 'Account' } });
    check(listed.ok && listed.result.rules.some(r => r.name === RULE), 'the core has the rule');

    // [3] Scan by that rule: the two Accounts form a group.
    await click(page, 'data.dedup.scan_rule', st => drawn(st, `data.dedup.scan_rule.option.${RULE}`), 'the rules');
    await click(page, `data.dedup.scan_rule.option.${RULE}`, st => drawn(st, 'data.dedup.scan'), 'the rule chosen');
    const pair = g => g.ids.includes(a) && g.ids.includes(b);
    s = await click(page, 'data.dedup.scan', st => dd(st).scanned && (dd(st).groups || []).some(pair), 'the scan');
    const g = dd(s).groups.findIndex(pair);
    check(dd(s).groups[g].rule === RULE && dd(s).groups[g].ids.length === 2,
      `the group of the two Accounts (${dd(s).groups.length} groups)`);
    await page.screenshot({ path: path.join(OUT, 'data_dedup_scan.png') });

    // [4] Review: the master is the first, Billing City taken from the other.
    s = await click(page, `data.dedup.group.${g}.review`, st => !!dd(st).merge, 'the merge screen');
    await click(page, `data.dedup.master.${a}`, st => dd(st).merge && dd(st).merge.master === a, 'the master');
    s = await click(page, `data.dedup.value.BillingCity.${b}`,
      st => dd(st).merge && dd(st).merge.values.BillingCity === b, "the other's Billing City");
    check(dd(s).merge.values.Name === a, "the master's name stays chosen");
    await page.screenshot({ path: path.join(OUT, 'data_dedup_merge.png') });
    await click(page, 'data.dedup.merge', st => drawn(st, 'data.dedup.merge_confirm.ok'), 'the confirmation');
    s = await click(page, 'data.dedup.merge_confirm.ok', st => !dd(st).merge && !!dd(st).message, 'the merge');
    check(!dd(s).error && /#/.test(dd(s).message), `the merge says so: ${dd(s).message}`);

    const master = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id: a } });
    check(master.ok && master.result.BillingCity === 'Hangzhou' && master.result.Name === `${PREFIX} 测试 Alpha`,
      `the master holds the chosen values (${master.ok && master.result.BillingCity})`);
    const other = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id: b } });
    check(!other.ok, 'the other Account is gone');
    const listedBin = await crm(page, { cmd: 'recycle.list', as: 'admin', args: { object: 'Account' } });
    const entry = listedBin.ok && listedBin.result.entries.find(e => e.record_id === b);
    check(!!entry, 'the other Account is in the recycle bin');

    // [5] The recycle bin tab restores it: the merge is undone.
    await click(page, 'data.tab.recycle', st => data(st).tab === 'recycle' && bin(st).total >= 1, 'the recycle bin');
    await type(page, 'data.recycle.filter', PREFIX,
      st => (bin(st).entries || []).some(e => e.record_id === b), 'the merged entry filtered');
    await click(page, `data.recycle.row.${entry.id}`,
      st => (bin(st).entries || []).some(e => e.id === entry.id && e.selected), 'the entry selected');
    s = await click(page, 'data.recycle.restore', st => !!bin(st).message, 'the restore');
    check(!bin(s).error, `the restore says so: ${bin(s).message}`);
    const back = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id: b } });
    check(back.ok && back.result.BillingCity === 'Hangzhou', 'the other Account is back with its values');
    const undone = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id: a } });
    check(undone.ok && undone.result.BillingCity === 'Beijing', `the master's Billing City is its own again (${
      undone.ok && undone.result.BillingCity})`);
    s = await waitUi(page, st => !(bin(st).entries || []).some(e => e.record_id === b), 'the bin without it');
    check(true, 'the bin no longer lists it');
    await page.screenshot({ path: path.join(OUT, 'data_dedup_undone.png') });

    // [6] The rule is deleted after a confirmation.
    await click(page, 'data.tab.dedup', st => data(st).tab === 'dedup', 'the duplicates tab again');
    await click(page, `data.dedup.rule.${RULE}.delete`, st => drawn(st, 'data.dedup.delete_confirm.ok'),
      'the delete confirmation');
    s = await click(page, 'data.dedup.delete_confirm.ok', st => !(dd(st).rules || []).some(r => r.name === RULE),
      'the rule deleted');
    check(!dd(s).error && dd(s).rules.some(r => r.name === 'Similar_company_name'), `only that rule went (${dd(s).message})`);
    const after = await crm(page, { cmd: 'dedup.rules.list', as: 'admin', args: { object: 'Account' } });
    check(after.ok && !after.result.rules.some(r => r.name === RULE), 'the core no longer has it');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
