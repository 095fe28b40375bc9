// Finding and picking things by name (issue 9):
// 1. Quick find offers users, objects and fields by name (either language, or the username / API name)
//    and opens them: the user's editor, the object's fields, the field's editor.
// 2. It offers only what the acting user may see: viewing as a user with neither the directory nor
//    the object, the other user and the object are not offered; the user's own name is.
// 3. The Opportunity list shows the account's name in its lookup column, not the account's id.
// 4. A lookup field in the record form is a search-as-you-type picker over the related records by name;
//    picking one stores the related record's id, and the form shows its name.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, click, type, press, hover, focusedOn, drawn, crm, done } = require('./lib');

const records = st => st.objects && st.objects.records;
const results = st => (st.quickfind && st.quickfind.results) || [];

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-find-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1280, height: 800 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    let r = await crm(page, { cmd: 'users.create', as: 'admin', args: { username: 'lin.xf', full_name: '林晓峰',
      email: 'lin@example.com', profile: 'Read Only' } });
    check(r.ok, 'a user 林晓峰 with the Read Only profile (' + (r.ok ? 'created' : JSON.stringify(r.error)) + ')');
    r = await crm(page, { cmd: 'objects.create', as: 'admin', args: { api_name: 'Voucher', label: 'Voucher',
      plural_label: 'Vouchers', label_zh: '凭证' } });
    check(r.ok, 'an object Voucher labelled 凭证 in Chinese');
    const object = r.result.api_name;
    r = await crm(page, { cmd: 'fields.create', as: 'admin', args: { object, field: { api_name: 'Redeem_By',
      label: 'Redeem by', type: 'date' } } });
    check(r.ok, 'a field "Redeem by" on it (' + (r.ok ? r.result.api_name : JSON.stringify(r.error)) + ')');
    const field = r.result.api_name;

    const find = async (text, expect, what) => {
      await press(page, 'Control+K', focusedOn('topbar.quickfind'), 'the quick find box focused', { focus: true });
      return type(page, null, text, st => st.quickfind && st.quickfind.query === text && expect(st), what);
    };

    // [1] A user by Chinese name, an object by its Chinese label, a field by its label.
    s = await find('林晓', st => results(st).includes('users.user.lin.xf'), 'the user 林晓峰 offered');
    const i = results(s).indexOf('users.user.lin.xf');
    check(s.quickfind.texts[i] === '林晓峰 (lin.xf)', `quick find offers the user by name: "${s.quickfind.texts[i]}"`);
    s = await click(page, 'quickfind.result.' + i, st => st.page === 'users' && st.perm.tab === 'users' &&
      st.form['user.editor.username'] === 'lin.xf', 'the user\'s editor');
    check(true, 'choosing the user opens their editor');
    await click(page, 'user.editor.cancel', st => !st.items['user.editor.username'], 'the editor closed');
    s = await find('凭证', st => results(st).includes('objects.object.' + object), 'the object offered');
    check(true, 'quick find offers the object by its Chinese label: ' + results(s).join(', '));
    s = await press(page, 'Enter', st => st.page === 'objects' && st.objects.object === object &&
      st.objects.tab === 'fields', 'the object\'s fields', { focus: false });
    check(true, 'choosing the object opens its fields');
    s = await find('redeem', st => results(st).includes(`objects.field.${object}.${field}`), 'the field offered');
    const j = results(s).indexOf(`objects.field.${object}.${field}`);
    s = await click(page, 'quickfind.result.' + j, st => st.form && st.form['field.editor.mode'] === 'edit' &&
      st.form['field.editor.api_name'] === field, 'the field\'s editor');
    check(true, 'choosing the field opens its editor on the object\'s page');
    await click(page, 'field.editor.cancel', st => !st.items['field.editor.label'], 'the field editor closed');

    // [2] Viewing as 林晓峰 (Read Only: no directory, no Voucher): neither is offered; their own name is.
    await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', { focus: true });
    await type(page, null, 'lin.xf', st => st.items['topbar.user.option.lin.xf'], 'the user in the menu');
    s = await click(page, 'topbar.user.option.lin.xf', st => st.acting_user === 'lin.xf', 'viewing as lin.xf');
    s = await find('凭证', st => results(st).length === 0 || !results(st).includes('objects.object.' + object),
      'the results as lin.xf');
    check(!results(s).includes('objects.object.' + object), 'as lin.xf, the object they cannot read is not offered');
    s = await find('lin.xf', st => results(st).includes('users.user.lin.xf'), 'their own name');
    s = await find('admin', st => st.quickfind.query === 'admin', 'the results for admin');
    check(!results(s).some(id => id.startsWith('users.user.')), 'as lin.xf, other users are not offered: ' +
      results(s).join(', '));
    await hover(page, 'nav.objects', 1);  // (the mouse off the result list, which stays open under it)
    await press(page, 'Escape', st => !st.quickfind.open, 'quick find closed');
    s = await click(page, 'viewas.return', st => st.acting_user === 'admin', 'back to admin');

    // [3] The Opportunity list names the account.
    const acct = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account',
      values: { Name: 'E2E Lookup Works 东方' } } });
    check(acct.ok, 'an account "E2E Lookup Works 东方"');
    await click(page, 'nav.objects', st => st.page === 'objects' && drawn(st, 'objects.row.Opportunity'), 'objects');
    await click(page, 'objects.row.Opportunity', st => st.objects.object === 'Opportunity', 'Opportunity');
    const lookupCells = st => Object.keys(st.form || {}).filter(k => /^records\.lookup\.\d+\.AccountId$/.test(k));
    s = await click(page, 'objects.tab.records', st => records(st) && records(st).mode === 'list' &&
      lookupCells(st).length > 0, 'the records list with its account column');
    // A row drawn on screen (only drawn cells are published), with an account.
    const cell = lookupCells(s)[0];
    const row = { Id: Number(cell.split('.')[2]) };
    const opp = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Opportunity', id: row.Id } });
    row.AccountId = opp.ok && opp.result.AccountId;
    check(row.AccountId > 0, `an opportunity with an account (${row.Id})`);
    const named = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id: row.AccountId } });
    check(s.form[cell] === named.result.Name, `the Account column shows "${s.form[cell]}", not ${row.AccountId}`);

    // [4] The lookup picker in the record form.
    s = await click(page, 'records.row.' + row.Id, st => records(st).mode === 'edit' &&
      st.items['record.form.AccountId'], 'the opportunity\'s form');
    check(s.form['record.form.AccountId.shown'] === named.result.Name,
      `the lookup shows the account's name: "${s.form['record.form.AccountId.shown']}"`);
    s = await type(page, 'record.form.AccountId', 'Lookup Works',
      st => drawn(st, `record.form.AccountId.option.${acct.result.Id}`), 'the matching account offered');
    check(true, 'typing part of a name offers the matching account');
    s = await click(page, `record.form.AccountId.option.${acct.result.Id}`,
      st => st.form['record.values'].AccountId === String(acct.result.Id) &&
        st.form['record.form.AccountId.shown'] === 'E2E Lookup Works 东方', 'the account picked');
    check(s.form['record.form.AccountId.shown'] === 'E2E Lookup Works 东方' && s.dirty === true,
      `the picked account shows by name: "${s.form['record.form.AccountId.shown']}" (not saved yet)`);
    s = await click(page, 'record.save', st => records(st).mode === 'edit' && !st.dirty && !st.errors['record.error'] &&
      st.form['record.values'].AccountId === String(acct.result.Id), 'saved');
    const stored = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Opportunity', id: row.Id } });
    check(stored.ok && stored.result.AccountId === acct.result.Id, `the stored value is the id ${stored.result.AccountId}`);
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
