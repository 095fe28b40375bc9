// View as a user without a permission (issue 9): the controls the core would refuse are disabled before
// Save, with the reason, instead of a refusal after it (ui/kit/permission_guard.h).
// 1. As the administrator, the user editor's fields and Save and the company form are enabled.
// 2. Viewed as a Read Only user (no Manage Users, no Customize Schema): New user is off with the reason on
//    hover; the user editor shows the user read only (its fields and Save off, the reason above them);
//    the company form is read only, Save off, the reason on the form and on hover, in Chinese too.
// 3. Back as the administrator, the same controls are enabled again.
// 4. The other guarded areas, each with the permission its commands need: as the Read Only user the
//    Workflow (Manage Workflows), Reports (Export Reports), Data (Backup and Restore, Export Data, Import
//    Data), Notifications (Manage Notifications) and Integrations (Manage Integrations) pages say why and
//    draw their editing controls disabled (the reason on hover); the user's own report stays editable.
//    As the administrator, none of them is locked.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, hover, focusedOn, crm, done } = require('./lib');

const off = (st, id) => (st.disabled || []).includes(id);
const form = (st, id) => (st.form || {})[id];
// The guard of `scope` is shown, naming `permission`.
const locked = (st, scope, permission) =>
  (form(st, scope + '.locked') || '').includes(permission) && !!st.items[scope + '.locked'];
const tabOf = (st, key) => (st[key] || {}).tab;
const rep = st => st.reports || {};

// As the Read Only viewer, page by page: locked, the editing controls off, the reason on hover.
async function viewerAreas(page, reportId) {
  let s = await click(page, 'nav.workflow', st => st.page === 'workflow' && !!st.items['workflow.tab.processes'],
    'the Workflow page');
  s = await click(page, 'workflow.tab.automation', st => tabOf(st, 'workflow') === 'automation' &&
    locked(st, 'automation', 'Manage Workflows'), 'the automation rules, locked');
  s = await click(page, 'workflow.tab.processes', st => tabOf(st, 'workflow') === 'processes' &&
    locked(st, 'wfp', 'Manage Workflows'), 'the processes, locked');
  check(off(s, 'wfp.new'), 'New process is disabled');
  check(!s.errors || !s.errors['wfp.list'], 'the reason is said once, above the toolbar, not again over the list');
  await hover(page, 'wfp.new');
  s = await waitUi(page, st => form(st, 'wfp.hover_reason') !== undefined, 'the reason over New process');
  check(form(s, 'wfp.hover_reason') === form(s, 'wfp.locked'), 'hovering New process gives the reason');
  s = await click(page, 'workflow.tab.assignment', st => tabOf(st, 'workflow') === 'assignment' &&
    locked(st, 'wfa', 'Manage Workflows'), 'the assignment rules, locked');
  check(off(s, 'wfa.new'), 'New assignment rule is disabled');
  check(!s.errors || !s.errors['wfa.list'], 'the reason is said once for the assignment rules too');
  s = await click(page, 'workflow.tab.approval_setup', st => tabOf(st, 'workflow') === 'approval_setup' &&
    locked(st, 'wfap', 'Manage Workflows'), 'the approval processes, locked');
  check(off(s, 'wfap.new'), 'New approval process is disabled');

  s = await click(page, 'nav.reports', st => st.page === 'reports' && !!st.items['reports.row.' + reportId],
    'the reports, with the viewer\'s own');
  s = await click(page, 'reports.row.' + reportId, st => rep(st).mode === 'view' && rep(st).shown === reportId &&
    !!st.items['report.view.export'] && locked(st, 'report.view.export', 'Export Reports'), 'the report, export locked');
  check(off(s, 'report.view.export'), 'Export CSV is disabled without Export Reports');
  check(!off(s, 'report.view.edit') && form(s, 'report.view.edit.locked') === undefined,
    'the viewer\'s own report stays editable');
  await hover(page, 'report.view.export');
  s = await waitUi(page, st => form(st, 'report.view.export.hover_reason') !== undefined, 'the reason over Export');
  check(form(s, 'report.view.export.hover_reason').includes('Export Reports'), 'hovering Export gives the reason');
  await click(page, 'report.view.back', st => rep(st).mode === 'list', 'the report list');

  await click(page, 'nav.data', st => st.page === 'data' && !!st.items['data.tab.backup'], 'the Data page');
  s = await click(page, 'data.tab.backup', st => tabOf(st, 'data') === 'backup' &&
    locked(st, 'data.backup', 'Backup and Restore'), 'the backups, locked');
  check(off(s, 'data.backup.create') && off(s, 'data.backup.choose'), 'backing up and restoring are disabled');
  await hover(page, 'data.backup.create');
  s = await waitUi(page, st => form(st, 'data.backup.hover_reason') !== undefined, 'the reason over Back up');
  check(form(s, 'data.backup.hover_reason') === form(s, 'data.backup.locked'), 'hovering Back up gives the reason');
  s = await click(page, 'data.tab.export', st => tabOf(st, 'data') === 'export' &&
    locked(st, 'data.export', 'Export Data'), 'the export, locked');
  check(off(s, 'data.export.run') && !off(s, 'data.export.object'), 'Export is disabled, choosing what to export is not');
  s = await click(page, 'data.tab.import', st => tabOf(st, 'data') === 'import' &&
    locked(st, 'data.import', 'Import Data'), 'the import, locked');
  check(off(s, 'data.import.choose'), 'choosing a file to import is disabled');

  await click(page, 'nav.notifications', st => st.page === 'notifications' && !!st.items['notify.tab.settings'],
    'the Notifications page');
  s = await click(page, 'notify.tab.settings', st => tabOf(st, 'notify') === 'settings' &&
    locked(st, 'notify.settings', 'Manage Notifications'), 'the notification settings, locked');
  s = await click(page, 'notify.tab.reminders', st => tabOf(st, 'notify') === 'reminders' &&
    locked(st, 'notify.reminders', 'Manage Notifications'), 'the reminders, locked');
  check(off(s, 'notify.reminders.new'), 'New reminder is disabled');

  await click(page, 'nav.integrations', st => st.page === 'integrations' && !!st.items['integrations.tab.keys'],
    'the Integrations page');
  s = await click(page, 'integrations.tab.keys', st => tabOf(st, 'integrations') === 'keys' &&
    locked(st, 'integrations.keys', 'Manage Integrations'), 'the API keys, locked');
  check(off(s, 'integrations.keys.create'), 'creating an API key is disabled');
  s = await click(page, 'integrations.tab.webhooks', st => tabOf(st, 'integrations') === 'webhooks' &&
    locked(st, 'integrations.webhooks', 'Manage Integrations'), 'the webhooks, locked');
  check(off(s, 'integrations.webhooks.new'), 'New webhook is disabled');
  await hover(page, 'integrations.webhooks.new');
  s = await waitUi(page, st => form(st, 'integrations.webhooks.hover_reason') !== undefined, 'the reason over New');
  check(form(s, 'integrations.webhooks.hover_reason').includes('Manage Integrations'),
    'hovering New webhook gives the reason');
}

// As the administrator, the same pages: nothing locked, the same controls enabled.
async function adminAreas(page) {
  const none = (st, ...scopes) => scopes.every(sc => form(st, sc + '.locked') === undefined);
  let s = await click(page, 'nav.workflow', st => st.page === 'workflow' && !!st.items['workflow.tab.processes'],
    'the Workflow page');
  s = await click(page, 'workflow.tab.processes', st => tabOf(st, 'workflow') === 'processes' &&
    !!st.items['wfp.new'], 'the processes');
  check(!off(s, 'wfp.new') && none(s, 'wfp'), 'the administrator creates processes');
  s = await click(page, 'workflow.tab.automation', st => tabOf(st, 'workflow') === 'automation' &&
    !!st.items['automation.new'], 'the automation rules');
  check(!off(s, 'automation.new') && none(s, 'automation'), 'the administrator creates automation rules');

  s = await click(page, 'nav.reports', st => st.page === 'reports' && rep(st).mode === 'list' &&
    (rep(st).reports || []).length > 0, 'the report list');
  const demo = rep(s).reports.find(r => r.name === 'Accounts by industry and region');
  check(!!demo, 'the demo report is listed for the administrator');
  s = await click(page, 'reports.row.' + demo.id, st => rep(st).mode === 'view' && rep(st).shown === demo.id &&
    !!st.items['report.view.export'] && !off(st, 'report.view.export'), 'the report, export enabled');
  check(none(s, 'report.view.export', 'report.view.edit') && !off(s, 'report.view.edit'),
    'the administrator exports and edits the report');
  await click(page, 'report.view.back', st => rep(st).mode === 'list', 'the report list');

  await click(page, 'nav.data', st => st.page === 'data' && !!st.items['data.tab.backup'], 'the Data page');
  s = await click(page, 'data.tab.backup', st => tabOf(st, 'data') === 'backup' && !!st.items['data.backup.create'],
    'the backups');
  check(!off(s, 'data.backup.create') && none(s, 'data.backup'), 'the administrator backs up');
  s = await click(page, 'data.tab.import', st => tabOf(st, 'data') === 'import' && !!st.items['data.import.choose'],
    'the import');
  check(!off(s, 'data.import.choose') && none(s, 'data.import'), 'the administrator imports');

  await click(page, 'nav.notifications', st => st.page === 'notifications' && !!st.items['notify.tab.reminders'],
    'the Notifications page');
  s = await click(page, 'notify.tab.reminders', st => tabOf(st, 'notify') === 'reminders' &&
    !!st.items['notify.reminders.new'], 'the reminders');
  check(!off(s, 'notify.reminders.new') && none(s, 'notify.reminders'), 'the administrator adds reminders');
  s = await click(page, 'notify.tab.settings', st => tabOf(st, 'notify') === 'settings', 'the notification settings');
  check(none(s, 'notify.settings'), 'the notification settings are not locked for the administrator');

  await click(page, 'nav.integrations', st => st.page === 'integrations' && !!st.items['integrations.tab.webhooks'],
    'the Integrations page');
  s = await click(page, 'integrations.tab.webhooks', st => tabOf(st, 'integrations') === 'webhooks' &&
    !!st.items['integrations.webhooks.new'], 'the webhooks');
  check(!off(s, 'integrations.webhooks.new') && none(s, 'integrations.webhooks'), 'the administrator adds webhooks');
  s = await click(page, 'integrations.tab.keys', st => tabOf(st, 'integrations') === 'keys', 'the API keys');
  check(none(s, 'integrations.keys'), 'the API keys are not locked for the administrator');
}

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
    r = await crm(page, { cmd: 'reports.create', as: viewer, args: { report: { name: 'Guard viewer accounts',
      object: 'Account', format: 'tabular', columns: ['Name'] } } });
    check(r.ok && r.result.id > 0, 'the viewer saves a report of their own: ' + JSON.stringify(r.error || ''));
    const reportId = r.result.id;

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
    // [4] The other areas, as the viewer.
    await viewerAreas(page, reportId);

    // [3] Back as the administrator: enabled again.
    s = await click(page, 'viewas.return', st => st.acting_user === 'admin' && !st.items['viewas.return'], 'back to admin');
    await click(page, 'nav.users', st => st.page === 'users' && st.items['users.row.' + viewer], 'the users list');
    s = await click(page, 'users.row.' + viewer, st => st.items['user.editor.save'], 'the user editor (admin again)');
    check(!off(s, 'user.editor.save') && !off(s, 'user.editor.full_name') && form(s, 'user.editor.locked') === undefined,
      'the administrator edits the user again');
    await click(page, 'user.editor.cancel', st => !st.items['user.editor.save'], 'the editor closed');
    s = await click(page, 'nav.company', st => st.page === 'company' && st.items['company.name'], 'the company page');
    check(!off(s, 'company.name') && form(s, 'company.locked') === undefined, 'the company form is editable again');
    // [4] The other areas, as the administrator.
    await adminAreas(page);
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
