// Names a person reads, safe defaults and checked input on the Users & Permissions pages (issue 9):
// 1. A new user starts with the least privileged profile (never System Administrator).
// 2. The manager picker and a team's member list show full names ("高建国 (user9)"), not usernames.
// 3. The sharing defaults name objects by their label, in the console's language (发票, not Invoice__c).
// 4. The access checker refuses a negative, malformed or out-of-range record id and one that names no
//    record, instead of answering "Allowed (full)".
// 5. Counts agree with their noun ("1 member", not "1 members"); quick find finds 角色层级 written
//    without the space its keywords have.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, click, type, press, focusedOn, drawn, crm, done } = require('./lib');

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-names-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1280, height: 800 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    let r = await crm(page, { cmd: 'users.create', as: 'admin', args: { username: 'gao.jg', full_name: '高建国',
      email: 'gao@example.com', profile: 'Read Only' } });
    check(r.ok, 'a user 高建国 (' + (r.ok ? 'created' : JSON.stringify(r.error)) + ')');
    r = await crm(page, { cmd: 'teams.create', as: 'admin', args: { name: 'E2E Names' } });
    check(r.ok, 'a team');
    r = await crm(page, { cmd: 'teams.add_member', as: 'admin', args: { team: 'E2E Names', username: 'gao.jg' } });
    check(r.ok, 'gao.jg in the team');
    r = await crm(page, { cmd: 'roles.create', as: 'admin', args: { name: 'E2E Solo' } });
    check(r.ok, 'a role');
    r = await crm(page, { cmd: 'users.update', as: 'admin', args: { username: 'gao.jg', role: 'E2E Solo' } });
    check(r.ok, 'gao.jg in the role');
    r = await crm(page, { cmd: 'objects.create', as: 'admin', args: { api_name: 'Invoice', label: 'Invoice',
      plural_label: 'Invoices', label_zh: '发票' } });
    check(r.ok, 'an object Invoice labelled 发票 in Chinese');

    // [1] The least privileged profile for a new user.
    const profiles = (await crm(page, { cmd: 'profiles.list', as: 'admin' })).result;
    await click(page, 'nav.users', st => st.page === 'users' && st.perm && st.perm.tab === 'users', 'the users tab');
    s = await click(page, 'users.new', st => st.items['user.editor.full_name'], 'the user editor');
    const chosen = s.form['user.editor.profile'];
    check(chosen && chosen !== 'System Administrator',
      `a new user starts with "${chosen}" (of ${profiles.map(p => p.name).join(', ')})`);

    // [2] The manager picker shows full names.
    await click(page, 'user.editor.manager', st => drawn(st, 'user.editor.manager.option.gao.jg'), 'the manager list');
    s = await click(page, 'user.editor.manager.option.gao.jg', st => st.form['user.editor.manager'] === 'gao.jg',
      'gao.jg as the manager');
    await page.screenshot({ path: path.join(OUT, 'ui_names_manager.png') });
    await click(page, 'user.editor.cancel', st => !st.items['user.editor.full_name'], 'the user editor closed');
    await click(page, 'perm.tab.teams', st => st.perm.tab === 'teams' && st.items['teams.row.E2E Names'], 'the teams');
    s = await click(page, 'teams.row.E2E Names', st => (st.form || {})['teams.member.gao.jg'], 'the team\'s members');
    check(s.form['teams.member.gao.jg'] === '高建国 (gao.jg)',
      `the team lists its member by name: "${s.form['teams.member.gao.jg']}"`);

    // [5] One member; quick find.
    s = await click(page, 'perm.tab.roles', st => st.perm.tab === 'roles' &&
      (st.form || {})['roles.member_count.E2E Solo'], 'the roles');
    check(s.form['roles.member_count.E2E Solo'] === '1 member', `a role of one: "${s.form['roles.member_count.E2E Solo']}"`);
    await press(page, 'Control+K', focusedOn('topbar.quickfind'), 'the quick find box focused', { focus: true });
    s = await type(page, null, '角色层级', st => st.quickfind && st.quickfind.query === '角色层级' &&
      st.quickfind.results.includes('users.roles'), 'quick find to list the role hierarchy');
    check(true, 'quick find finds 角色层级: ' + s.quickfind.results.join(', '));

    // [3] Sharing defaults by label, in Chinese.
    s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'Chinese');
    s = await click(page, 'perm.tab.sharing', st => st.perm.tab === 'sharing', 'the sharing tab');
    s = await type(page, 'sharing.owd.filter', 'Invoice',
      st => (st.form || {})['sharing.owd.label.Invoice__c'] !== undefined, 'the Invoice default');
    check(s.form['sharing.owd.label.Invoice__c'] === '发票',
      `the sharing default names the object 发票: "${s.form['sharing.owd.label.Invoice__c']}"`);
    s = await click(page, 'topbar.lang', st => st.lang === 'en', 'English');

    // [4] The access checker's record id.
    await click(page, 'perm.tab.checker', st => st.perm.tab === 'checker' && st.items['checker.user'], 'the checker');
    await click(page, 'checker.user', focusedOn('checker.user.filter'), 'the user picker', { focus: true });
    await type(page, null, 'admin', st => st.items['checker.user.option.admin'], 'admin in the picker');
    await click(page, 'checker.user.option.admin', st => st.perm.checker.user === 'admin', 'admin chosen');
    await click(page, 'checker.object', st => drawn(st, 'checker.object.option.Account'), 'the object picker');
    await click(page, 'checker.object.option.Account', st => st.perm.checker.object === 'Account', 'Account');
    for (const bad of ['-5', '99999999999999999999999', '1.5', '987654321']) {
      s = await type(page, 'checker.record', bad, st => st.perm.checker.record_error !== '', 'the id ' + bad);
      check(Object.keys(s.perm.checker.results).length === 0 && (s.errors || {})['checker.record'],
        `record id ${bad} is refused with no verdict: "${s.perm.checker.record_error}"`);
    }
    const account = (await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Account', limit: 1 } }));
    const id = account.ok && account.result.rows[0].Id;
    s = await type(page, 'checker.record', String(id), st => st.perm.checker.record_error === '' &&
      st.perm.checker.results.read, 'an existing id');
    check(s.perm.checker.results.read.allowed === true, `record ${id} is answered: Read allowed`);
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
