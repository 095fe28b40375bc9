// View as a user without a permission (issue 9): the controls the core would refuse are disabled before
// Save, with the reason, instead of a refusal after it (ui/kit/permission_guard.h).
// 1. As the administrator, the user editor's fields and Save and the company form are enabled.
// 2. Viewed as a Read Only user (no Manage Users, no Customize Schema): New user is off with the reason on
//    hover; the user editor shows the user read only (its fields and Save off, the reason above them);
//    the company form is read only, Save off, the reason on the form and on hover, in Chinese too.
// 3. Back as the administrator, the same controls are enabled again.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, hover, focusedOn, crm, done } = require('./lib');

const off = (st, id) => (st.disabled || []).includes(id);
const form = (st, id) => (st.form || {})[id];

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-permission-guard-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1280, height: 800 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    const viewer = 'guard.viewer';
    let r = await crm(page, { cmd: 'users.create', as: 'admin', args: { username: viewer, full_name: 'Guard Viewer',
      email: 'guard.viewer@example.com', profile: 'Read Only' } });
    check(r.ok, 'a Read Only user is created: ' + JSON.stringify(r.error || ''));

    // [1] The administrator: everything enabled, no reason published.
    await click(page, 'nav.users', st => st.page === 'users' && st.items['users.row.' + viewer], 'the users list');
    s = await click(page, 'users.row.' + viewer, st => st.items['user.editor.save'], 'the user editor (admin)');
    check(!off(s, 'user.editor.save') && !off(s, 'user.editor.full_name') && !off(s, 'users.new'),
      'the administrator edits users: the editor and New user are enabled');
    check(form(s, 'user.editor.locked') === undefined && form(s, 'users.locked') === undefined,
      'no reason is given to the administrator');
    await click(page, 'user.editor.cancel', st => !st.items['user.editor.save'], 'the editor closed');
    s = await click(page, 'nav.company', st => st.page === 'company' && st.items['company.name'], 'the company page');
    check(!off(s, 'company.name') && !off(s, 'company.currency') && form(s, 'company.locked') === undefined,
      'the administrator edits the company profile');
    const name = form(s, 'company.name');
    s = await type(page, 'company.name', ' Ltd', st => form(st, 'company.name') === name + ' Ltd', 'the name edited',
      { append: true });
    check(s.dirty === true && !off(s, 'company.save'), 'the edited company form can be saved by the administrator');
    s = await click(page, 'company.cancel', st => form(st, 'company.name') === name, 'the edit discarded');

    // [2] Viewed as the Read Only user.
    await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', { focus: true });
    await type(page, null, viewer, st => st.items['topbar.user.option.' + viewer], 'the user in the menu');
    s = await click(page, 'topbar.user.option.' + viewer, st => st.acting_user === viewer && st.items['viewas.return'],
      'viewing as ' + viewer);
    s = await click(page, 'nav.company', st => st.page === 'company' && form(st, 'company.locked') !== undefined,
      'the company page, read only');
    for (const id of ['company.name', 'company.currency', 'company.time_zone', 'company.business_hours.start', 'company.save'])
      check(off(s, id), `${id} is disabled for ${viewer}`);
    check(/Guard Viewer|guard\.viewer/.test(form(s, 'company.locked')) && form(s, 'company.locked').includes('Customize Schema'),
      `the company form says why: "${form(s, 'company.locked')}"`);
    check(!!s.items['company.locked'], 'the reason is shown on the form');
    await hover(page, 'company.name');
    s = await waitUi(page, st => form(st, 'company.hover_reason') !== undefined, 'the reason on hover');
    check(form(s, 'company.hover_reason') === form(s, 'company.locked'), 'hovering a disabled field gives the reason');
    s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN' && (form(st, 'company.locked') || '').includes('自定义架构'),
      'Chinese');
    check(!/[A-Za-z]{4,}/.test(form(s, 'company.locked').replace(viewer, '')),
      `the Chinese reason is Chinese: "${form(s, 'company.locked')}"`);
    s = await click(page, 'topbar.lang', st => st.lang === 'en', 'English');

    s = await click(page, 'nav.users', st => st.page === 'users' && st.items['users.row.' + viewer], 'the users list');
    check(off(s, 'users.new') && (form(s, 'users.locked') || '').includes('Manage Users'),
      `New user is disabled with the reason: "${form(s, 'users.locked')}"`);
    check(off(s, 'users.deactivate.' + viewer), 'Deactivate is disabled');
    await hover(page, 'users.new');
    s = await waitUi(page, st => form(st, 'users.hover_reason') !== undefined, 'the reason on hover');
    check(form(s, 'users.hover_reason').includes('Manage Users'), 'hovering New user gives the reason');
    s = await click(page, 'users.row.' + viewer, st => st.items['user.editor.save'], 'the user editor (read only)');
    for (const id of ['user.editor.full_name', 'user.editor.email', 'user.editor.active', 'user.editor.save'])
      check(off(s, id), `${id} is disabled for ${viewer}`);
    check(!off(s, 'user.editor.cancel'), 'Cancel still closes the editor');
    check((form(s, 'user.editor.locked') || '').includes('Manage Users') && !!s.items['user.editor.locked'],
      `the editor says why: "${form(s, 'user.editor.locked')}"`);
    await click(page, 'user.editor.cancel', st => !st.items['user.editor.save'], 'the editor closed');

    // [3] Back as the administrator: enabled again.
    s = await click(page, 'viewas.return', st => st.acting_user === 'admin' && !st.items['viewas.return'], 'back to admin');
    s = await click(page, 'users.row.' + viewer, st => st.items['user.editor.save'], 'the user editor (admin again)');
    check(!off(s, 'user.editor.save') && !off(s, 'user.editor.full_name') && form(s, 'user.editor.locked') === undefined,
      'the administrator edits the user again');
    await click(page, 'user.editor.cancel', st => !st.items['user.editor.save'], 'the editor closed');
    s = await click(page, 'nav.company', st => st.page === 'company' && st.items['company.name'], 'the company page');
    check(!off(s, 'company.name') && form(s, 'company.locked') === undefined, 'the company form is editable again');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
