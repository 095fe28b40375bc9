// The record form's duplicate alert, on the canvas: with an Account duplicate rule that alerts, a new Account
// typed with the name of an existing one (written another way) shows the alert as soon as the name field is
// left, listing the existing record; the save goes through and the saved record shows the alert too; the
// listed record is a link that opens it in the form. With the rule switched to block, the alert says the save
// is blocked and the save is refused with nothing written.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, click, type, press, drawn, crm, done } = require('./lib');

const rec = st => (st.objects || {}).records || {};
const values = st => (st.form || {})['record.values'] || {};
const dups = st => (st.form || {})['record.duplicates'] || [];
const TAG = Date.now().toString(36);
const RULE = 'E2E_same_name_' + TAG;
const NAME = `E2E Twin ${TAG} Trading`;

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-records-dup-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    await waitReady(page);
    const saveRule = action => crm(page, { cmd: 'dedup.rules.save', as: 'admin', args: { rule: { object: 'Account',
      name: RULE, action, conditions: [{ field: 'Name', method: 'normalized' }] } } });
    let r = await saveRule('alert');
    check(r.ok, 'an alerting rule on Account names: ' + JSON.stringify(r.error || ''));
    r = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account', values: { Name: NAME } } });
    check(r.ok, 'the existing Account');
    const existing = r.result.Id;

    // [1] A new Account with the same name written another way: the alert lists the existing one.
    await click(page, 'nav.objects', st => st.page === 'objects' && st.objects && st.objects.listed.length > 0,
      'the object list');
    await type(page, 'objects.search', 'account', st => st.objects.listed.includes('Account'), 'Account listed');
    await click(page, 'objects.row.Account', st => st.objects.object === 'Account', 'Account');
    await click(page, 'objects.tab.records', st => st.objects.tab === 'records' && rec(st).mode === 'list',
      'the records list');
    await click(page, 'records.new', st => rec(st).mode === 'new' && !!st.form['record.values'], 'a new record form');
    const typed = NAME.toUpperCase().replace(/ /g, '  ');
    await type(page, 'record.form.Name', typed, st => values(st).Name === typed, 'the typed name');
    let s = await press(page, 'Enter', st => dups(st).some(d => d.id === existing), 'the alert after leaving the field');
    check(drawn(s, 'record.duplicates.alert') && !drawn(s, 'record.duplicates.block'), 'it is an alert, not a block');
    check(dups(s).find(d => d.id === existing).rule.split(', ').includes(RULE), 'naming the rule');
    check(drawn(s, `record.duplicate.${existing}`), 'the existing record is listed as a link');
    await page.screenshot({ path: path.join(OUT, 'records_duplicate_alert.png') });

    // [2] The save goes through; the saved record shows the alert too.
    s = await click(page, 'record.save', st => rec(st).mode === 'edit' && dups(st).some(d => d.id === existing),
      'the saved record with its alert');
    const saved = s.form['record.id'];
    check(saved > 0 && saved !== existing, `the new Account is saved (#${saved})`);
    const got = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id: saved } });
    check(got.ok && got.result.Name === typed, 'the core holds it');

    // [3] The link opens the listed record in the form.
    s = await click(page, `record.duplicate.${existing}`, st => st.form['record.id'] === existing &&
      values(st).Name === NAME, 'the listed record opened');
    check(dups(s).some(d => d.id === saved), 'and it lists the new one as its duplicate');

    // [4] Blocking: the alert says so and the save is refused.
    r = await saveRule('block');
    check(r.ok, 'the rule now blocks');
    await click(page, 'record.cancel', st => rec(st).mode === 'list', 'the records list');
    await click(page, 'records.new', st => rec(st).mode === 'new' && !!st.form['record.values'], 'another new form');
    await type(page, 'record.form.Name', NAME.toLowerCase(), st => values(st).Name === NAME.toLowerCase(), 'the name');
    s = await press(page, 'Enter', st => drawn(st, 'record.duplicates.block'), 'the blocking alert');
    check(dups(s).every(d => d.action === 'block') && dups(s).length === 2, `both Accounts listed (${dups(s).length})`);
    const total = async () => (await crm(page, { cmd: 'records.list', as: 'admin',
      args: { object: 'Account', columns: ['Id'], limit: 1, exact_total: true } })).result.total;
    const before = await total();
    s = await click(page, 'record.save', st => !!(st.errors || {})['record.error'], 'the refused save');
    check(rec(s).mode === 'new', `the form stays open: ${s.errors['record.error']}`);
    check(await total() === before, 'nothing was written');
    await page.screenshot({ path: path.join(OUT, 'records_duplicate_block.png') });
  } finally {
    await ctx.close();
    server.close();
  }
  done();
})().catch(e => { console.error(e); process.exit(1); });
