// The administrator's flow through Users & Permissions, clicking on the canvas: a user whose profile
// only reads Account; the access checker says Edit and Delete are denied; granting Delete in the
// profile's object matrix turns Edit on too (the editor says so); the checker then allows Edit and
// Delete and names the profile's grant in its explanation, in English and in Chinese. Also: the users
// table lists the user, quick find opens the sharing settings, and "View as" switches the acting user.
'use strict';
const fs = require('fs');
const path = require('path');
const {OUT, check, serve, launch, waitReady, waitUi, click, crm, done} = require('./lib');

const shot = (page, name) => page.screenshot({path: path.join(OUT, name)});

(async () => {
    fs.mkdirSync(OUT, {recursive: true});
    const profileDir = fs.mkdtempSync(path.join(OUT, 'profile-perm-'));
    const server = await serve();
    const {ctx, page} = await launch(profileDir);
    try {
        await page.goto(server.url);
        let s = await waitReady(page);

        // Setup through window.crm: a profile that only reads Account, and a user who has it.
        const suffix = String(Date.now() % 100000);
        const prof = 'E2E Viewer ' + suffix;
        const username = 'e2e.viewer' + suffix;
        let r = await crm(
            page, {cmd: 'profiles.create', as: 'admin', args: {name: prof, description: 'Reads accounts'}});
        check(r.ok, 'a profile is created through window.crm: ' + JSON.stringify(r.error || ''));
        r = await crm(page, { cmd: 'profiles.set_object', as: 'admin', args: { name: prof, object: 'Account', permissions: ['read'] } });
        check(r.ok, 'the profile reads Account');
        r = await crm(page, { cmd: 'users.create', as: 'admin', args: { username, full_name: 'E2E Viewer', email: 'viewer@example.com', profile: prof } });
        check(r.ok, 'a user with that profile is created: ' + JSON.stringify(r.error || ''));

        // The area and its users table.
        await click(page, 'nav.users');
        s = await waitUi(
            page, st => st.page === 'users' && st.perm && st.perm.tab === 'users', 'the users tab');
        await click(page, 'users.search');
        await page.keyboard.type('e2e.viewer', {delay: 15});
        s = await waitUi(
            page, st => st.form['users.rows'] && st.form['users.rows'].length === 1,
            'the search to narrow the users');
        check(s.form['users.rows'][0] === username, 'the users table finds the new user');
        check(!!s.items['users.row.' + username], 'the user\'s row is on screen');
        await shot(page, 'perm_users.png');

        // The user editor: a wrong email is refused, its message beside the field.
    await click(page, 'users.new');
    s = await waitUi(page, st => st.items['user.editor.full_name'], 'the user editor');
    await click(page, 'user.editor.full_name');
    await page.keyboard.type('Bad Email', {delay: 10});
    await click(page, 'user.editor.username');
    await page.keyboard.type('bad.email' + suffix, {delay: 10});
    await click(page, 'user.editor.email');
    await page.keyboard.type('not-an-email', {delay: 10});
    await click(page, 'user.editor.save');
    s = await waitUi(page, st => st.errors['user.editor.email'], 'the email error');
    check(/not an email address/.test(s.errors['user.editor.email']), 'the email error is beside the field: ' + s.errors['user.editor.email']);
    await shot(page, 'perm_user_editor_error.png');
    await click(page, 'user.editor.cancel');
    r = await crm(page, {cmd: 'users.get', args: {username: 'bad.email' + suffix}});
    check(!r.ok, 'nothing was saved');

    // The access checker: read only.
        await click(page, 'perm.tab.checker');
        s = await waitUi(
            page, st => st.perm.tab === 'checker' && st.items['checker.user'], 'the access checker');
        await click(page, 'checker.user');
        await page.keyboard.type(username, {delay: 10});
        await click(page, 'checker.user.option.' + username);
        await click(page, 'checker.object');
        await click(page, 'checker.object.option.Account');
        s = await waitUi(
            page, st => st.perm.checker.user === username && st.perm.checker.object === 'Account',
            'the user and Account chosen');
        let res = s.perm.checker.results;
        check(res.read.allowed === true, 'the checker: Read on Account is allowed');
        check(
            res.edit.allowed === false && res['delete'].allowed === false,
            'the checker: Edit and Delete are denied (read only)');
        check(
            res.edit.reason_ids.includes('access.missing_object_permission'),
            'the denial names the missing permission');
        check(
            res.edit.reasons.some(t => t.includes('edit') && t.includes('Account')),
            'the explanation says edit on Account is missing: ' + res.edit.reasons);
        check(s.perm.checker.fields.Name === 'read', 'field access: Name is read only: ' +
              JSON.stringify(s.perm.checker.fields));
        await shot(page, 'perm_checker_before.png');

        // Grant Delete in the profile's matrix: Edit is turned on with it, and the editor says so.
        await click(page, 'perm.tab.profiles');
        s = await waitUi(
            page, st => st.perm.tab === 'profiles' && st.items['perm.profile.' + prof], 'the profile list');
        await click(page, 'perm.profile.' + prof);
        s = await waitUi(
            page, st => st.perm.profiles.selected === prof && st.items['perm.matrix.Account.delete'],
            'the profile\'s matrix');
        check(
            s.form['perm.matrix.Account.read'] === true && s.form['perm.matrix.Account.edit'] === false,
            'the matrix shows Read only on Account');
        await click(page, 'perm.matrix.Account.delete');
        s = await waitUi(page, st => st.form['perm.matrix.Account.delete'] === true, 'Delete granted');
        check(s.form['perm.matrix.Account.edit'] === true, 'granting Delete turned Edit on');
        check(
            /also turned on: Edit/.test(s.perm.profiles.notice),
            'the notice says what was turned on: ' + s.perm.profiles.notice);
        await shot(page, 'perm_matrix.png');
        // The matrix filter keeps the objects whose label or API name matches, case-insensitively.
        await click(page, 'perm.matrix.filter');
        await page.keyboard.type('ACC', { delay: 20 });
        s = await waitUi(
            page, st => st.items['perm.matrix.Account.read'] && !st.items['perm.matrix.Contact.read'],
            'the matrix filter to leave Account');
        for (let i = 0; i < 3; ++i) await page.keyboard.press('Backspace');
        s = await waitUi(page, st => st.items['perm.matrix.Contact.read'], 'every object back in the matrix');
        // The headers sort: the object column ascending, then descending (the rows move).
        const y = (st, o) => (st.items['perm.matrix.' + o + '.read'] || [0, 1e9])[1];
        await click(page, 'perm.matrix.header.object');
        s = await waitUi(page, st => y(st, 'Account') < y(st, 'Task'), 'the matrix sorted A to Z');
        await click(page, 'perm.matrix.header.object');
        s = await waitUi(page, st => y(st, 'Task') < y(st, 'Account'), 'the matrix sorted Z to A');
        const held = await crm(page, {cmd: 'profiles.list', args: {}});
        const mine = held.ok && (held.result.profiles || held.result).find(p => p.name === prof);
        check(mine && JSON.stringify(mine).includes('delete'), 'the core holds the grant');

        // The checker changes: Edit and Delete allowed, the explanation naming the profile's grant.
        await click(page, 'perm.tab.checker');
        s = await waitUi(
            page, st => st.perm.tab === 'checker' && st.perm.checker.results.edit.allowed,
            'Edit allowed now');
        res = s.perm.checker.results;
        check(res['delete'].allowed === true, 'the checker: Delete is allowed now');
        check(
            res.edit.reason_ids.includes('access.object_permission'),
            'the reason is an object permission grant');
        check(
            res.edit.reasons.some(t => t.includes(prof)),
            'the explanation names the profile: ' + res.edit.reasons);
        check(s.perm.checker.fields.Name === 'edit', 'field access: Name is editable now');
        await shot(page, 'perm_checker_after.png');

        // In Chinese, the explanation is in Chinese.
        await click(page, 'topbar.lang');
        s = await waitUi(
            page, st => st.lang === 'zh-CN' && /授予/.test(st.perm.checker.results.edit.reasons.join()),
            'the Chinese explanation');
        check(
            s.perm.checker.results.edit.reasons.some(t => t.includes(prof) && t.includes('简档')),
            'the Chinese explanation names the profile');
        await shot(page, 'perm_checker_zh.png');
        await click(page, 'topbar.lang');
        await waitUi(page, st => st.lang === 'en', 'English again');

        // Quick find: sharing settings.
        await click(page, 'topbar.quickfind');
        await page.keyboard.type('组织范围', {delay: 20});
        s = await waitUi(page, st => st.quickfind.results.includes('users.owd'), 'the quick-find result');
        await click(page, 'quickfind.result.' + s.quickfind.results.indexOf('users.owd'));
        s = await waitUi(page, st => st.perm.tab === 'sharing', 'the sharing tab');
        check(!!s.items['sharing.owd.Account'], 'quick find opens the organization-wide defaults');
        await shot(page, 'perm_sharing.png');

        // Roles: moving a role under its own child is refused, the cycle error shown in the dialog.
    const top = 'E2E Top ' + suffix, child = 'E2E Child ' + suffix;
    r = await crm(page, {cmd: 'roles.create', as: 'admin', args: {name: top}});
    check(r.ok, 'a role is created: ' + JSON.stringify(r.error || ''));
    r = await crm(page, {cmd: 'roles.create', as: 'admin', args: {name: child, parent: top}});
    await click(page, 'perm.tab.roles');
    s = await waitUi(page, st => st.perm.tab === 'roles', 'the roles tab');
    await click(page, 'roles.node.' + top);
    s = await waitUi(page, st => st.perm.roles.selected === top, 'the role selected');
    await click(page, 'roles.move');
    await click(page, 'roles.dialog.parent');
    await click(page, 'roles.dialog.parent.option.' + child);
    await click(page, 'roles.dialog.save');
    s = await waitUi(page, st => st.errors['roles.dialog.parent'], 'the cycle error');
    check(s.errors['roles.dialog.parent'].length > 0, 'the cycle is refused: ' + s.errors['roles.dialog.parent']);
    await shot(page, 'perm_role_cycle.png');
    await click(page, 'roles.dialog.cancel');

    // View as: the acting user switches, with a banner and a way back.
        await click(page, 'topbar.user');
        await page.keyboard.type('e2e.viewer' + suffix, {delay: 10});
        await click(page, 'topbar.user.option.' + username);
        s = await waitUi(
            page, st => st.acting_user === username && st.items['viewas.return'], 'viewing as the user');
        check(/Viewing as E2E Viewer/.test(s.viewas_banner), 'the banner says whom the console is shown as');
        await shot(page, 'perm_view_as.png');
        await click(page, 'viewas.return');
        s = await waitUi(page, st => st.acting_user === 'admin', 'back to admin');
        check(!s.items['viewas.return'], 'the banner is gone after returning to admin');
        done();
    } finally {
        await ctx.close().catch(() => {});
        await server.close();
    }
})().catch(e => {
    console.error(e);
    process.exit(1);
});
