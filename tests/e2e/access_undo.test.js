// The undo notice of Users & Permissions (ui/kit/undo_notice.h): a permission ticked in a profile's matrix
// is saved at once and a notice says so with Undo; Undo puts the permission back (the core's profiles.list)
// and the audit trail holds both changes. Ctrl+Z undoes too, the notice speaks Chinese after a language
// switch, and an undo of a grant changed meanwhile is refused, said in the notice, with nothing changed.
// Then a role dragged onto another moves there, and Undo moves it back under its old parent (roles.list
// and the trail's two moves).
'use strict';
const fs = require('fs');
const path = require('path');
const {OUT, check, serve, launch, waitReady, waitUi, click, press, scrollTo, drag, crm, done} = require('./lib');

const shot = (page, name) => page.screenshot({path: path.join(OUT, name)});
const undo = st => st.undo || {};

(async () => {
    fs.mkdirSync(OUT, {recursive: true});
    const profileDir = fs.mkdtempSync(path.join(OUT, 'profile-undo-'));
    const server = await serve();
    const {ctx, page} = await launch(profileDir);
    try {
        await page.goto(server.url);
        let s = await waitReady(page);

        // Setup through window.crm: a profile with nothing on Account, and three roles of our own.
        const suffix = String(Date.now() % 100000);
        const prof = 'Undo Rep ' + suffix;
        let r = await crm(page, {cmd: 'profiles.create', as: 'admin', args: {name: prof}});
        check(r.ok, 'a profile is created: ' + JSON.stringify(r.error || ''));
        const accountOf = async () => {
            const list = await crm(page, {cmd: 'profiles.list', as: 'admin', args: {}});
            const mine = (list.result.profiles || list.result).find(p => p.name === prof);
            return (mine.objects || {}).Account || [];
        };
        const trail = async (area, target) => {
            const a = await crm(page, {cmd: 'audit.list', as: 'admin', args: {area, text: target, limit: 100}});
            check(a.ok, 'the audit trail is read: ' + JSON.stringify(a.error || ''));
            return a.result.entries.filter(e => e.target === target).reverse();  // oldest first
        };

        await click(page, 'nav.users', st => st.page === 'users' && st.perm && st.perm.tab === 'users', 'the users tab');
        await click(page, 'perm.tab.profiles', st => st.perm.tab === 'profiles' && st.items['perm.profile.' + prof],
            'the profile list');
        s = await click(page, 'perm.profile.' + prof, st => st.perm.profiles.selected === prof &&
            st.items['perm.matrix.Account.read'], 'the profile\'s matrix');
        check(s.form['perm.matrix.Account.read'] === false, 'the profile does not read Account');

        // [1] Tick Read: saved at once, the notice says what changed; Undo puts it back.
        s = await click(page, 'perm.matrix.Account.read', st => st.form['perm.matrix.Account.read'] === true &&
            undo(st).state === 'offered', 'Read granted and the undo notice');
        check(undo(s).text === `Read on Account granted to ${prof}`, 'the notice says the change: ' + undo(s).text);
        check(undo(s).seconds > 0 && undo(s).seconds <= 8, 'the notice counts down from 8 s: ' + undo(s).seconds);
        check(JSON.stringify(await accountOf()) === '["read"]', 'the core holds Read on Account');
        await shot(page, 'undo_offered.png');
        s = await click(page, 'undo.button', st => undo(st).state === 'undone' &&
            st.form['perm.matrix.Account.read'] === false, 'the grant undone');
        check(undo(s).text === `Undone: Read on Account granted to ${prof}`, 'the notice says it is undone: ' + undo(s).text);
        check(JSON.stringify(await accountOf()) === '[]', 'the core holds nothing on Account again');
        const target = `profile.${prof}.Account`;
        let entries = await trail('profiles', target);
        check(entries.length === 2, 'the audit trail holds the change and its undo: ' + entries.length);
        check(JSON.stringify(entries[0].new_value) === '["read"]' && JSON.stringify(entries[1].old_value) === '["read"]' &&
            JSON.stringify(entries[1].new_value) === '[]', 'the second entry reverses the first');
        check(entries[1].actor === 'admin', 'the undo is audited as the acting user');
        await shot(page, 'undo_done.png');

        // [2] Tick Edit (it turns Read on too); in Chinese the notice speaks Chinese; Ctrl+Z undoes both bits.
        s = await click(page, 'perm.matrix.Account.edit', st => st.form['perm.matrix.Account.edit'] === true &&
            undo(st).state === 'offered' && undo(st).text.includes('Edit'), 'Edit granted and a new notice');
        check(JSON.stringify(await accountOf()) === '["read","edit"]', 'the core holds Read and Edit');
        s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN' && /已授予/.test(undo(st).text || ''),
            'the notice in Chinese');
        check(undo(s).text.includes(prof) && undo(s).text.includes('编辑'), 'the Chinese notice names the set and Edit: ' +
            undo(s).text);
        s = await press(page, 'Control+Z', st => undo(st).state === 'undone', 'Ctrl+Z to undo');
        check(/已撤销/.test(undo(s).text), 'the notice says it is undone, in Chinese: ' + undo(s).text);
        check(JSON.stringify(await accountOf()) === '[]', 'Ctrl+Z put Account back to nothing (Read too)');
        await click(page, 'topbar.lang', st => st.lang === 'en', 'English again');

        // [3] Changed meanwhile: the undo is refused and says so; nothing changes.
        s = await click(page, 'perm.matrix.Account.read', st => st.form['perm.matrix.Account.read'] === true &&
            undo(st).state === 'offered' && undo(st).text.startsWith('Read'), 'Read granted again');
        r = await crm(page, {cmd: 'profiles.set_object', as: 'admin', args: {name: prof, object: 'Account',
            permissions: ['read', 'edit', 'delete']}});
        check(r.ok, 'meanwhile, another change gives Delete');
        const before = (await trail('profiles', target)).length;
        s = await click(page, 'undo.button', st => undo(st).state === 'refused', 'the refusal');
        check(/changed after that change: nothing was undone/.test(undo(s).text), 'the notice says why: ' + undo(s).text);
        check(JSON.stringify(await accountOf()) === '["read","edit","delete"]', 'nothing was changed');
        check((await trail('profiles', target)).length === before, 'nothing was audited');
        await shot(page, 'undo_refused.png');

        // [4] A role dragged onto another moves there; Undo moves it back.
        const top = 'Undo Top ' + suffix, mid = 'Undo Mid ' + suffix, leaf = 'Undo Leaf ' + suffix;
        for (const [name, parent] of [[top, ''], [mid, ''], [leaf, top]]) {
            r = await crm(page, {cmd: 'roles.create', as: 'admin', args: {name, parent}});
            check(r.ok, `the role ${name} is created: ` + JSON.stringify(r.error || ''));
        }
        const parentOf = async name => {
            const list = await crm(page, {cmd: 'roles.list', as: 'admin', args: {}});
            return (list.result.roles || list.result).find(x => x.name === name).parent;
        };
        // The refusal's notice sits at the bottom, where the tree's last rows are: wait until it is gone.
        await waitUi(page, st => !undo(st).state, 'the notice gone');
        await click(page, 'perm.tab.roles', st => st.perm.tab === 'roles' && st.items['roles.new'], 'the roles tab');
        await scrollTo(page, 'roles.node.' + mid);
        s = await waitUi(page, st => st.items['roles.node.' + leaf] && st.items['roles.node.' + mid],
            'both roles on screen');
        // A drag the console missed (the press landed between frames) is dragged again; one that moved the
        // role is not (a second drop on the same parent would audit a move to where it is).
        for (let attempt = 0; attempt < 3 && await parentOf(leaf) !== mid; attempt++) {
            await drag(page, 'roles.node.' + leaf, 'roles.node.' + mid);
        }
        s = await waitUi(page, st => undo(st).state === 'offered' && undo(st).text.startsWith(leaf), 'the move\'s notice');
        check(undo(s).text === `${leaf} moved from ${top} to ${mid}`, 'the notice says the move: ' + undo(s).text);
        check(await parentOf(leaf) === mid, 'the core has the role under its new parent');
        await shot(page, 'undo_role_moved.png');
        s = await click(page, 'undo.button', st => undo(st).state === 'undone', 'the move undone');
        check(await parentOf(leaf) === top, 'Undo moved the role back under its old parent');
        entries = await trail('roles', 'role.' + leaf);
        const moves = entries.filter(e => e.action === 'move');
        check(moves.length === 2 && moves[0].old_value === top && moves[0].new_value === mid &&
            moves[1].old_value === mid && moves[1].new_value === top, 'the trail holds the move and the move back: ' +
            JSON.stringify(moves.map(e => [e.old_value, e.new_value])));
        done();
    } finally {
        await ctx.close().catch(() => {});
        await server.close();
    }
})().catch(e => {
    console.error(e);
    process.exit(1);
});
