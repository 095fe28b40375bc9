// The administrator's flow through Users & Permissions, clicking on the canvas: a user whose profile
// only reads Account; the access checker says Edit and Delete are denied; granting Delete in the
// profile's object matrix turns Edit on too (the editor says so); the checker then allows Edit and
// Delete and names the profile's grant in its explanation, in English and in Chinese. Also: the users
// table lists the user, quick find opens the sharing settings, and "View as" switches the acting user.
'use strict';
const fs = require('fs');
const path = require('path');
const {OUT, check, serve, launch, waitReady, waitUi, click, focus, focusedOn, type, drawn, crm, done} = require('./lib');

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
        await click(page, 'nav.users', st => st.page === 'users' && st.perm && st.perm.tab === 'users', 'the users tab');
        s = await type(page, 'users.search', 'e2e.viewer', st => st.form['users.rows'] &&
            st.form['users.rows'].length === 1, 'the search to narrow the users');
        check(s.form['users.rows'][0] === username, 'the users table finds the new user');
        check(!!s.items['users.row.' + username], 'the user\'s row is on screen');
        await shot(page, 'perm_users.png');

        // The user editor: a wrong email is refused, its message beside the field.
        await click(page, 'users.new', st => st.items['user.editor.full_name'], 'the user editor');
        const typeField = (field, text) => type(page, 'user.editor.' + field, text,
            st => st.form['user.editor.' + field] === text, 'the typed ' + field);
        await typeField('full_name', 'Bad Email');
        await typeField('username', 'bad.email' + suffix);
        await typeField('email', 'not-an-email');
        s = await click(page, 'user.editor.save', st => st.errors['user.editor.email'], 'the email error');
        check(/not an email address/.test(s.errors['user.editor.email']), 'the email error is beside the field: ' + s.errors['user.editor.email']);
        await shot(page, 'perm_user_editor_error.png');
        await click(page, 'user.editor.cancel', st => !st.items['user.editor.full_name'], 'the user editor closed');
        r = await crm(page, {cmd: 'users.get', args: {username: 'bad.email' + suffix}});
        check(!r.ok, 'nothing was saved');

        // The access checker: read only.
        await click(page, 'perm.tab.checker', st => st.perm.tab === 'checker' && st.items['checker.user'],
            'the access checker');
        await click(page, 'checker.user', focusedOn('checker.user.filter'), 'the user picker', {focus: true});
        await type(page, null, username, st => st.items['checker.user.option.' + username], 'the user in the picker');
        await click(page, 'checker.user.option.' + username, st => st.perm.checker.user === username, 'the user chosen');
        await click(page, 'checker.object', st => drawn(st, 'checker.object.option.Account'), 'the object picker');
        s = await click(page, 'checker.object.option.Account', st => st.perm.checker.user === username &&
            st.perm.checker.object === 'Account', 'the user and Account chosen');
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
        await click(page, 'perm.tab.profiles', st => st.perm.tab === 'profiles' && st.items['perm.profile.' + prof],
            'the profile list');
        s = await click(page, 'perm.profile.' + prof, st => st.perm.profiles.selected === prof &&
            st.items['perm.matrix.Account.delete'], 'the profile\'s matrix');
        check(
            s.form['perm.matrix.Account.read'] === true && s.form['perm.matrix.Account.edit'] === false,
            'the matrix shows Read only on Account');
        s = await click(page, 'perm.matrix.Account.delete', st => st.form['perm.matrix.Account.delete'] === true,
            'Delete granted');
        check(s.form['perm.matrix.Account.edit'] === true, 'granting Delete turned Edit on');
        check(
            /also turned on: Edit/.test(s.perm.profiles.notice),
            'the notice says what was turned on: ' + s.perm.profiles.notice);
        await shot(page, 'perm_matrix.png');
        // The matrix filter keeps the objects whose label or API name matches, case-insensitively.
        await type(page, 'perm.matrix.filter', 'ACC', st => st.items['perm.matrix.Account.read'] &&
            !st.items['perm.matrix.Contact.read'], 'the matrix filter to leave Account');
        await type(page, 'perm.matrix.filter', '', st => st.items['perm.matrix.Contact.read'],
            'every object back in the matrix');
        // The headers sort: the object column ascending, then descending (the rows move).
        const standard = ['Account', 'Case', 'Contact', 'Lead', 'Opportunity', 'Task'];
        const rows = st => standard.filter(o => st.items['perm.matrix.' + o + '.read'])
            .sort((a, b) => st.items['perm.matrix.' + a + '.read'][1] - st.items['perm.matrix.' + b + '.read'][1]);
        const sortedAs = order => st => JSON.stringify(rows(st)) === JSON.stringify(order);
        await click(page, 'perm.matrix.header.object', sortedAs(standard), 'the matrix sorted A to Z');
        await click(page, 'perm.matrix.header.object', sortedAs([...standard].reverse()), 'the matrix sorted Z to A');
        const held = await crm(page, {cmd: 'profiles.list', args: {}});
        const mine = held.ok && (held.result.profiles || held.result).find(p => p.name === prof);
        check(mine && JSON.stringify(mine).includes('delete'), 'the core holds the grant');

        // The checker changes: Edit and Delete allowed, the explanation naming the profile's grant.
        s = await click(page, 'perm.tab.checker', st => st.perm.tab === 'checker' &&
            st.perm.checker.results.edit.allowed, 'Edit allowed now');
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
        s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN' &&
            /授予/.test(st.perm.checker.results.edit.reasons.join()), 'the Chinese explanation');
        check(
            s.perm.checker.results.edit.reasons.some(t => t.includes(prof) && t.includes('简档')),
            'the Chinese explanation names the profile');
        await shot(page, 'perm_checker_zh.png');
        await click(page, 'topbar.lang', st => st.lang === 'en', 'English again');

        // Quick find: sharing settings.
        await focus(page, 'topbar.quickfind');
        s = await type(page, null, '组织范围', st => st.quickfind.query === '组织范围' &&
            st.quickfind.results.includes('users.owd'), 'the quick-find result');
        s = await click(page, 'quickfind.result.' + s.quickfind.results.indexOf('users.owd'),
            st => st.perm.tab === 'sharing', 'the sharing tab');
        check(!!s.items['sharing.owd.Account'], 'quick find opens the organization-wide defaults');
        await shot(page, 'perm_sharing.png');

        // Roles: moving a role under its own child is refused, the cycle error shown in the dialog.
        const top = 'E2E Top ' + suffix, child = 'E2E Child ' + suffix;
        r = await crm(page, {cmd: 'roles.create', as: 'admin', args: {name: top}});
        check(r.ok, 'a role is created: ' + JSON.stringify(r.error || ''));
        r = await crm(page, {cmd: 'roles.create', as: 'admin', args: {name: child, parent: top}});
        check(r.ok, 'a role under it is created: ' + JSON.stringify(r.error || ''));
        // The undo notice of the Delete grant (8 s, at the bottom) is gone before the tree is scrolled under it.
        await waitUi(page, st => !(st.undo && st.undo.state), 'the undo notice gone');
        await click(page, 'perm.tab.roles', st => st.perm.tab === 'roles', 'the roles tab');
        await click(page, 'roles.node.' + top, st => st.perm.roles.selected === top, 'the role selected');
        await click(page, 'roles.move', st => st.items['roles.dialog.parent'], 'the move dialog');
        // (the list of parents may open scrolled: the child's entry is drawn, maybe out of view)
        const option = 'roles.dialog.parent.option.' + child;
        await click(page, 'roles.dialog.parent', st => drawn(st, option), 'the parents');
        await click(page, option, st => !drawn(st, option), 'the child chosen as the parent');
        s = await click(page, 'roles.dialog.save', st => st.errors['roles.dialog.parent'], 'the cycle error');
        check(s.errors['roles.dialog.parent'].length > 0, 'the cycle is refused: ' + s.errors['roles.dialog.parent']);
        await shot(page, 'perm_role_cycle.png');
        await click(page, 'roles.dialog.cancel', st => !st.items['roles.dialog.save'], 'the dialog closed');

        // View as: the acting user switches, with a banner and a way back.
        await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', {focus: true});
        await type(page, null, 'e2e.viewer' + suffix, st => st.items['topbar.user.option.' + username],
            'the user in the menu');
        s = await click(page, 'topbar.user.option.' + username, st => st.acting_user === username &&
            st.items['viewas.return'], 'viewing as the user');
        check(/Viewing as E2E Viewer/.test(s.viewas_banner), 'the banner says whom the console is shown as');
        await shot(page, 'perm_view_as.png');
        s = await click(page, 'viewas.return', st => st.acting_user === 'admin', 'back to admin');
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
