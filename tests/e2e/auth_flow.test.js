// Sign-in (issue 16): an administrator sets passwords and turns "require sign-in" on from the Security
// page; after a reload the console opens on the sign-in screen; three wrong passwords lock a user; the
// administrator signs in and unlocks them; window.crm then acts only as the signed-in user; an unsaved
// edit survives the idle lock (a fake clock jumps past the timeout) and comes back after the password.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitStored, ui, waitUi, scrollTo, click, type, crm, done } = require('./lib');

const ADMIN_PW = 'Admin-pass-2026';
const RITA_PW = 'Rita-pass-2026';

// Types the username (null: the lock screen has none) and the password, presses Sign in, and waits for
// that attempt's outcome (the screen counts attempts), then for expect(state).
async function signIn(page, user, password, expect, what) {
  // A failed attempt keeps the username typed: typing it again could not be told apart from the stale
  // value (the check would pass before the keys were taken), so it is typed only when it differs.
  const shown = (await ui(page)).form || {};
  if (user !== null && shown['signin.username'] !== user) {
    await type(page, 'signin.username', user, st => st.form && st.form['signin.username'] === user, 'the username typed');
  }
  await type(page, 'signin.password', password);  // a password field publishes nothing
  const before = (await ui(page)).auth.attempts;
  await click(page, 'signin.submit', st => st.auth && st.auth.attempts > before, 'the sign-in attempt');
  return waitUi(page, expect, what);
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-auth-'));
  const server = await serve();
  let { ctx, page } = await launch(profile);
  try {
    await ctx.clock.install();  // runs naturally; fastForward jumps later
    await page.goto(server.url);
    let s = await waitReady(page);
    check(s.auth && s.auth.required === false && s.auth.screen === '', 'a new workspace starts with sign-in off');

    // Passwords first (the no-lock-out rule refuses sign-in before an administrator has one).
    const profiles = await crm(page, { cmd: 'users.list' });
    check(profiles.ok, 'users.list answers');
    const list = Array.isArray(profiles.result) ? profiles.result : (profiles.result.users || []);
    const other = list.find(u => u.username !== 'admin' && u.profile);
    const someProfile = other ? other.profile : 'System Administrator';
    const made = await crm(page, { cmd: 'users.create', args: { username: 'rita', full_name: 'Rita', email: 'rita@example.com', profile: someProfile } });
    check(made.ok, 'a second user is created');
    const early = await crm(page, { cmd: 'auth.policy.update', args: { require_sign_in: true } });
    check(!early.ok && early.error.code === 'auth.lockout', 'sign-in cannot be required before an administrator has a password');
    for (const [u, pw] of [['admin', ADMIN_PW], ['rita', RITA_PW]]) {
      const r = await crm(page, { cmd: 'auth.reset_password', args: { username: u, password: pw, temporary: false } });
      check(r.ok && JSON.stringify(r).indexOf('argon2') < 0, `${u}'s password is set, and no hash is answered`);
    }
    check((await crm(page, { cmd: 'auth.policy.update', args: { lockout_attempts: 3, idle_minutes: 5 } })).ok, 'lockout after 3, idle 5 minutes');

    // Turn sign-in on from the Security page.
    await click(page, 'nav.security', st => st.page === 'security', 'the Security page');
    await click(page, 'security.require_sign_in', st => st.form && st.form['security.require_sign_in'] === true, 'the switch ticked');
    s = await click(page, 'security.save', st => st.auth && st.auth.screen === 'sign_in', 'the sign-in screen after saving');
    check(s.auth.required === true, 'sign-in is required');

    await waitStored(page);  // the switch must be in IndexedDB before the reload reads it back
    await page.reload();
    s = await waitReady(page);
    s = await waitUi(page, st => st.auth && st.auth.screen === 'sign_in', 'the sign-in screen after a reload');
    check(true, 'the console opens on the sign-in screen after a reload');
    const refused = await crm(page, { cmd: 'company.get' });
    check(!refused.ok && refused.error.code === 'access.denied', 'window.crm answers nothing before someone signs in');

    // Three wrong passwords lock rita.
    s = await signIn(page, 'rita', 'wrong-1', st => st.auth.error !== '', 'an error after a wrong password');
    const wrongMessage = s.auth.error;
    s = await signIn(page, 'nobody', 'wrong-1', st => st.auth.error !== '' && st.form['signin.username'] === 'nobody', 'an error for an unknown user');
    check(s.auth.error === wrongMessage, 'an unknown user gets the same message as a wrong password');
    s = await signIn(page, 'rita', 'wrong-2', st => st.auth.error !== '', 'an error after the second wrong password');
    s = await signIn(page, 'rita', 'wrong-3', st => /locked|锁定|Too many|次数/.test(st.auth.error), 'the lockout message');
    s = await signIn(page, 'rita', RITA_PW, st => /Too many|次数/.test(st.auth.error), 'still locked with the right password');
    check(s.auth.screen === 'sign_in', 'a locked user stays on the sign-in screen');

    // The administrator signs in and unlocks rita.
    s = await signIn(page, 'admin', ADMIN_PW, st => st.auth.screen === '' && st.auth.user === 'admin', 'the console as admin');
    check(s.acting_user === 'admin', 'the console acts as the signed-in administrator');
    const asOther = await crm(page, { cmd: 'company.get', as: 'rita' });
    check(!asOther.ok && asOther.error.code === 'access.denied', 'window.crm refuses an "as" naming someone else');
    const asSelf = await crm(page, { cmd: 'auth.policy.get' });
    check(asSelf.ok && asSelf.result.locked_users.indexOf('rita') >= 0, 'window.crm acts as the signed-in user; rita is locked');
    await click(page, 'nav.security', st => st.page === 'security', 'the Security page');
    await scrollTo(page, 'security.unlock.rita');
    s = await click(page, 'security.unlock.rita', st => st.security && st.security.locked.length === 0, 'rita unlocked');
    check(s.security.history.some(e => e.username === 'rita' && e.result === 'locked'), 'the login history shows the lockout');

    // An unsaved edit, then the idle timeout on a fake clock: locked, the edit kept.
    await click(page, 'nav.company', st => st.page === 'company', 'the company page');
    const name = 'Locked edit ' + Date.now() % 100000;
    s = await type(page, 'company.name', name, st => st.form['company.name'] === name && st.dirty === true, 'an unsaved name');
    await ctx.clock.fastForward('06:00');
    s = await waitUi(page, st => st.auth && st.auth.screen === 'lock', 'the lock screen after the idle timeout');
    check(s.dirty === true, 'the unsaved edit is kept behind the lock');
    s = await signIn(page, null, ADMIN_PW, st => st.auth.screen === '' && st.form && st.form['company.name'] === name, 'the console back with the edit');
    check(s.dirty === true && s.page === 'company', 'the unsaved edit comes back after the password');
    await page.screenshot({ path: path.join(OUT, 'auth_flow.png') });
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
