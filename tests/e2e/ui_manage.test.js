// Managing profiles, sharing criteria and rules as a person would (issue 9):
// 1. A profile is renamed in the console (its user keeps it under the new name); deleting it first says
//    which users are in the way and offers no Delete; once they have another profile, it is deleted.
// 2. Deleting a permission set says whose assignments go with it, then deletes it.
// 3. Sharing-rule criteria are checked as typed, with the message and position of the formula editor.
// 4. The audit trail's detail shows the changed keys before and after, not two JSON blobs.
// 5. The validation rule editor joins the unsaved-changes guard: picking another rule and leaving the
//    page both ask; Stay keeps the draft, Discard leaves.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, click, type, drawn, crm, done } = require('./lib');

const perm = (st, kind) => (st.perm && st.perm[kind]) || {};

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-manage-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1280, height: 800 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    for (const [cmd, args] of [
      ['profiles.create', { name: 'E2E Temp', copy_from: 'Read Only' }],
      ['users.create', { username: 'temp.user', full_name: '临时用户', email: 'temp@example.com', profile: 'E2E Temp' }],
      ['permsets.create', { name: 'E2E Set' }],
      ['users.assign_permset', { username: 'temp.user', permission_set: 'E2E Set' }],
      ['rules.create', { object: 'Opportunity', name: 'E2E_Existing', condition: 'Amount < 0',
        error_message: 'No negative amounts.' }]]) {
      const r = await crm(page, { cmd, as: 'admin', args });
      check(r.ok, `${cmd} ${JSON.stringify(args)}` + (r.ok ? '' : ': ' + JSON.stringify(r.error)));
    }

    // [1] Rename, then delete a profile.
    await click(page, 'nav.users', st => st.page === 'users' && st.perm && st.perm.tab === 'users', 'the users tab');
    await click(page, 'perm.tab.profiles', st => st.perm.tab === 'profiles' && drawn(st, 'perm.profile.E2E Temp'),
      'the profiles');
    await click(page, 'perm.profile.E2E Temp', st => perm(st, 'profiles').selected === 'E2E Temp', 'E2E Temp');
    s = await click(page, 'perm.profile.rename', st => st.items['perm.profile.rename.name'], 'the rename dialog');
    await type(page, 'perm.profile.rename.name', 'E2E Renamed');
    s = await click(page, 'perm.profile.rename.save', st => perm(st, 'profiles').selected === 'E2E Renamed' &&
      !st.items['perm.profile.rename.name'], 'the profile renamed');
    check(perm(s, 'profiles').notice.includes('E2E Renamed'), `the rename is confirmed: "${perm(s, 'profiles').notice}"`);
    // A note does not outlive a language switch: in Chinese the English note is not shown.
    s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'Chinese');
    check(perm(s, 'profiles').notice === '', `the English note is gone in Chinese: "${perm(s, 'profiles').notice}"`);
    s = await click(page, 'topbar.lang', st => st.lang === 'en', 'English');
    let u = await crm(page, { cmd: 'users.get', as: 'admin', args: { username: 'temp.user' } });
    check(u.ok && u.result.profile === 'E2E Renamed', 'the user keeps the profile under its new name');
    s = await click(page, 'perm.profile.delete', st => (st.form || {})['perm.profile.delete.blocked'] !== undefined,
      'the delete dialog');
    check(s.form['perm.profile.delete.blocked'] === true && s.form['perm.profile.delete.body'].includes('临时用户 (temp.user)'),
      `delete says who is in the way: "${s.form['perm.profile.delete.body']}"`);
    await click(page, 'perm.profile.delete.cancel', st => !st.items['perm.profile.delete.cancel'], 'the dialog closed');
    let r = await crm(page, { cmd: 'users.update', as: 'admin', args: { username: 'temp.user', profile: 'Read Only' } });
    check(r.ok, 'the user gets another profile');
    s = await click(page, 'perm.profile.delete', st => (st.form || {})['perm.profile.delete.blocked'] === false,
      'the delete dialog, nothing in the way');
    s = await click(page, 'perm.profile.delete.ok', st => !drawn(st, 'perm.profile.E2E Renamed') &&
      !st.items['perm.profile.delete.ok'], 'the profile gone');
    r = await crm(page, { cmd: 'profiles.list', as: 'admin' });
    check(r.ok && !r.result.some(p => p.name === 'E2E Renamed'), 'the profile is deleted');

    // [2] Delete a permission set: its assignments are named first.
    await click(page, 'perm.tab.permsets', st => st.perm.tab === 'permsets' && drawn(st, 'perm.permset.E2E Set'),
      'the permission sets');
    await click(page, 'perm.permset.E2E Set', st => perm(st, 'permsets').selected === 'E2E Set', 'E2E Set');
    s = await click(page, 'perm.permset.delete', st => (st.form || {})['perm.permset.delete.blocked'] === false,
      'the delete dialog');
    check(s.form['perm.permset.delete.body'].includes('temp.user'),
      `delete names whose assignment goes with it: "${s.form['perm.permset.delete.body']}"`);
    await click(page, 'perm.permset.delete.ok', st => !drawn(st, 'perm.permset.E2E Set'), 'the set gone');
    u = await crm(page, { cmd: 'users.get', as: 'admin', args: { username: 'temp.user' } });
    check(u.ok && !u.result.permission_sets.includes('E2E Set'), 'the set and its assignment are deleted');

    // [3] Sharing-rule criteria, checked as typed.
    await click(page, 'perm.tab.sharing', st => st.perm.tab === 'sharing' && drawn(st, 'sharing.rules.new'), 'sharing');
    await click(page, 'sharing.rules.new', st => st.items['sharing.editor.name'], 'the rule editor');
    await click(page, 'sharing.editor.object', st => drawn(st, 'sharing.editor.object.option.Opportunity'), 'objects');
    await click(page, 'sharing.editor.object.option.Opportunity', st => !st.items['sharing.editor.object.option.Opportunity'],
      'Opportunity');
    await click(page, 'sharing.editor.criteria_based', st => st.items['sharing.editor.criteria'], 'criteria-based');
    s = await type(page, 'sharing.editor.criteria', 'Amount >', st => (st.errors || {})['sharing.editor.criteria'],
      'the criteria refused as typed');
    check(s.form['sharing.editor.criteria.error_column'] > 0,
      `an unfinished criteria is refused before Save: "${s.errors['sharing.editor.criteria']}" at ${s.form['sharing.editor.criteria.error_column']}`);
    s = await type(page, 'sharing.editor.criteria', 'Amont > 5', st => /Amont/.test((st.errors || {})['sharing.editor.criteria'] || ''),
      'an unknown field named');
    check(true, `an unknown field is named as typed: "${s.errors['sharing.editor.criteria']}"`);
    s = await type(page, 'sharing.editor.criteria', 'Amount > 100000', st => !(st.errors || {})['sharing.editor.criteria'] &&
      st.form['sharing.editor.criteria'] === 'Amount > 100000', 'the criteria accepted');
    check(true, 'a valid criteria shows no error');
    await click(page, 'sharing.editor.cancel', st => !st.items['sharing.editor.name'], 'the editor closed');

    // [4] The audit detail: only the changed keys, before and after.
    r = await crm(page, { cmd: 'users.update', as: 'admin', args: { username: 'temp.user', phone: '+86 10 5555 0199' } });
    check(r.ok, 'a phone number for temp.user');
    s = await click(page, 'nav.audit', st => st.page === 'audit' && ((st.form || {})['audit.rows'] || []).length > 0 &&
      st.form['audit.rows'][0].target === 'user.temp.user', 'the audit trail');
    s = await click(page, 'audit.row.0', st => st.form['audit.selected'] === st.form['audit.rows'][0].id &&
      st.form['audit.detail.new'], 'the entry\'s detail');
    check(s.form['audit.detail.new'] === 'phone: +86 10 5555 0199' && /^phone: [^\n]*$/.test(s.form['audit.detail.old']),
      `the detail shows the changed key only: "${s.form['audit.detail.old']}" → "${s.form['audit.detail.new']}"`);

    // [5] The rule editor's unsaved draft is guarded.
    await click(page, 'nav.objects', st => st.page === 'objects' && drawn(st, 'objects.row.Opportunity'), 'objects');
    await click(page, 'objects.row.Opportunity', st => st.objects.object === 'Opportunity', 'Opportunity');
    await click(page, 'objects.tab.rules', st => st.objects.tab === 'rules' && drawn(st, 'rules.row.E2E_Existing'), 'rules');
    await click(page, 'rules.new', st => st.items['rule.editor.name'], 'a new rule');
    s = await type(page, 'rule.editor.name', 'E2E_Draft', st => st.form['rule.editor.name'] === 'E2E_Draft' && st.dirty,
      'an unsaved draft');
    s = await click(page, 'rules.row.E2E_Existing', st => st.modal === 'unsaved_changes', 'the question');
    check(true, `picking another rule asks first (${s.unsaved_what})`);
    s = await click(page, 'unsaved.stay', st => st.modal === '' && st.form['rule.editor.name'] === 'E2E_Draft',
      'the draft kept');
    check(true, '"Stay" keeps the draft');
    s = await click(page, 'nav.audit', st => st.modal === 'unsaved_changes', 'the question on leaving');
    check(s.page === 'objects', 'leaving the page with the draft asks first');
    s = await click(page, 'unsaved.discard', st => st.page === 'audit' && st.modal === '', 'the audit page');
    check(true, '"Discard" leaves');
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
