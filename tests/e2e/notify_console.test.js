// The Notifications page on the canvas: a template edited with a live preview (the merge field renders
// the Opportunity's name; an unknown field is an error at its position under its part; the saved one is
// what notify.templates.list answers), then a user's quiet hours set on My preferences, and two messages
// sent to them: the normal one is held in the outbox (not before the quiet hours end, shown as held),
// the urgent one is queued at once. My preferences shows the browser's permission for system notifications
// and its button asks for it; granted to the page, it shows as allowed. In the background, a pop-up becomes
// a system notification.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, scrollTo, click, type, drawn, crm, ui, done } =
  require('./lib');

const n = st => st.notify || {};
const tpl = st => n(st).templates || {};
const prefs = st => n(st).prefs || {};
const outbox = st => n(st).outbox || {};

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-notify-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await ctx.addInitScript(() => { window.crmOutboxEnabled = false; });  // the outbox keeps what it holds
    await page.goto(server.url);
    await waitReady(page);

    // [1] The page is built: the settings matrix with every type on every channel.
    let s = await click(page, 'nav.notifications', st => st.page === 'notifications' && n(st).tab === 'settings',
      'the Notifications page');
    check(!!n(s).settings && !!(n(s).settings.cells || {})['report_ready.email'] && !!s.items['notify.tab.templates'],
      'the Notifications page is built: the types x channels matrix and the tabs');

    // [2] Templates: the close date type, a merge field previewed against an Opportunity.
    s = await click(page, 'notify.tab.templates', st => n(st).tab === 'templates' && !!tpl(st).type, 'the templates');
    await click(page, 'notify.templates.type', st => drawn(st, 'notify.templates.type.option.close_date_approaching'),
      'the types');
    s = await click(page, 'notify.templates.type.option.close_date_approaching',
      st => tpl(st).type === 'close_date_approaching' && tpl(st).record > 0 && !tpl(st).pending, 'the close date type');
    check(tpl(s).object === 'Opportunity' && tpl(s).stored, 'its object is Opportunity and a template is stored');
    const opp = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Opportunity', id: tpl(s).record } });
    check(opp.ok && !!opp.result.Name, `the preview record is Opportunity ${tpl(s).record} (${opp.result.Name})`);
    const subject = 'Closing soon: {{Opportunity.Name}}';
    s = await type(page, 'notify.templates.subject', subject,
      st => !tpl(st).pending && (tpl(st).preview || {}).subject === 'Closing soon: ' + opp.result.Name, 'the preview');
    check(true, `the preview renders the merge field: "${tpl(s).preview.subject}"`);
    await page.screenshot({ path: path.join(OUT, 'notify_template_preview.png') });
    s = await type(page, 'notify.templates.subject', 'Closing soon: {{Opportunity.Nope}}',
      st => !tpl(st).pending && (tpl(st).errors || []).length > 0, 'the error');
    const error = tpl(s).errors[0];
    check(error.part === 'subject' && error.position === 15 && !!(s.errors || {})['notify.templates.subject'],
      `an unknown field is an error at its position under its part (${error.position}: ${error.message})`);
    await page.screenshot({ path: path.join(OUT, 'notify_template_error.png') });
    s = await type(page, 'notify.templates.subject', subject,
      st => !tpl(st).pending && (tpl(st).errors || []).length === 0 && !!(tpl(st).preview || {}).subject, 'no error');
    s = await click(page, 'notify.templates.save', st => !!tpl(st).message, 'the save');
    const stored = await crm(page, { cmd: 'notify.templates.list', as: 'admin', args: { type: 'close_date_approaching' } });
    check(stored.ok && stored.result.templates.some(t => t.language === 'en' && t.subject === subject),
      `the template is saved (${tpl(s).message})`);
    await click(page, 'notify.templates.language', st => drawn(st, 'notify.templates.language.option.zh-CN'), 'languages');
    s = await click(page, 'notify.templates.language.option.zh-CN',
      st => tpl(st).language === 'zh-CN' && !tpl(st).pending && !!(tpl(st).preview || {}).subject, 'Chinese');
    check(tpl(s).parts.subject !== subject, `the Chinese template is its own (${tpl(s).preview.subject})`);

    // [3] My preferences of a user with an email address: immediately, quiet all day.
    const users = await crm(page, { cmd: 'users.list', as: 'admin', args: {} });
    const user = users.result.find(u => u.active && u.username !== 'admin' && /@/.test(u.email || ''));
    check(!!user, `a user with an email address: ${user && user.username}`);
    s = await click(page, 'notify.tab.prefs', st => n(st).tab === 'prefs' && prefs(st).user === 'admin', 'the prefs');
    await click(page, 'notify.prefs.user', st => drawn(st, 'notify.prefs.user.option.' + user.username), 'the users');
    s = await click(page, 'notify.prefs.user.option.' + user.username, st => prefs(st).user === user.username,
      'the user picked');
    check(!!(prefs(s).cells || {})['report_ready.email'], 'their types x channels matrix is shown');
    if (!prefs(s).cells['report_ready.email'].enabled) {
      s = await click(page, 'notify.prefs.report_ready.email', st => prefs(st).cells['report_ready.email'].enabled,
        'email on for reports');
    }
    await click(page, 'notify.prefs.freq.email', st => drawn(st, 'notify.prefs.freq.email.option.immediately'), 'freq');
    s = await click(page, 'notify.prefs.freq.email.option.immediately',
      st => (prefs(st).frequencies.email || {}).frequency === 'immediately' && !prefs(st).message_error, 'immediately');
    if (!s.form['notify.prefs.quiet.on'])
      await click(page, 'notify.prefs.quiet.on', st => st.form['notify.prefs.quiet.on'] === true, 'quiet hours on');
    // All day but one minute (the test cannot know the user's zone): a message sent now is held.
    await type(page, 'notify.prefs.quiet.start', '00:00', st => st.form['notify.prefs.quiet.start'] === '00:00', 'start');
    await type(page, 'notify.prefs.quiet.end', '23:59', st => st.form['notify.prefs.quiet.end'] === '23:59', 'end');
    s = await click(page, 'notify.prefs.quiet.save', st => (prefs(st).quiet_hours || {}).end === '23:59',
      'the quiet hours saved');
    check(prefs(s).quiet_hours.start === '00:00' && !prefs(s).message_error, 'the quiet hours are saved: 00:00-23:59');
    await page.screenshot({ path: path.join(OUT, 'notify_prefs.png') });

    // [3b] System notifications: the browser's permission is shown; while not decided, the button asks the
    // browser (Notification.requestPermission); granted to the page, as a person answering Allow, the row
    // says so and the button goes.
    const origin = new URL(server.url).origin;
    s = await scrollTo(page, 'notify.prefs.system.state');
    const before = prefs(s).system_notifications;
    check(before === 'default' || before === 'denied', `the browser's permission is shown: ${before}`);
    if (before === 'default') {
      check(!!s.items['notify.prefs.system.allow'], 'not asked yet: a button asks for it');
      await page.evaluate(() => {
        window.__asked = 0;
        const ask = Notification.requestPermission.bind(Notification);
        Notification.requestPermission = cb => { window.__asked++; return ask(cb); };
      });
      s = await click(page, 'notify.prefs.system.allow', st => prefs(st).system_asked === 1, 'the request');
      check(await page.evaluate(() => window.__asked) === 1, 'the button asked the browser once');
    }
    await ctx.grantPermissions(['notifications'], { origin });
    // (the Permissions API's change event wakes the console; a pointer moving over it does too)
    await page.mouse.move(20, 20);
    s = await waitUi(page, st => prefs(st).system_notifications === 'granted', 'the permission shown as allowed');
    check(!s.items['notify.prefs.system.allow'] && !!s.items['notify.prefs.system.state'],
      'granted: shown as allowed, no button');
    await page.screenshot({ path: path.join(OUT, 'notify_prefs_system.png') });

    // [4] A normal message is held until the quiet hours end; an urgent one is queued at once.
    const sent = [];
    for (const priority of ['normal', 'urgent']) {
      const r = await crm(page, { cmd: 'notify.send', as: 'admin', args: { type: 'report_ready', users: [user.username],
        message: `${priority} e2e`, priority } });
      check(r.ok && r.result.queued >= 1, `the ${priority} notification queued ${r.result && r.result.queued} message(s)`);
      sent.push(r.result);
    }
    s = await click(page, 'notify.tab.outbox', st => n(st).tab === 'outbox' && !!outbox(st).counts, 'the outbox');
    s = await type(page, 'notify.outbox.recipient', user.username,
      st => (outbox(st).messages || []).filter(m => m.channel === 'email').length >= 2 &&
        outbox(st).messages.every(m => m.recipient === user.username || m.to === user.email), 'their messages');
    const mails = outbox(s).messages.filter(m => m.channel === 'email');
    const now = Date.now();
    const normal = mails.find(m => m.priority === 'normal'), urgent = mails.find(m => m.priority === 'urgent');
    check(normal && normal.state === 'queued' && normal.not_before > now,
      `the normal message is held: not before ${normal && new Date(normal.not_before).toISOString()}`);
    check(urgent && urgent.state === 'queued' && urgent.not_before <= now,
      'the urgent one is queued at once, through the quiet hours');
    check(!!s.items['notify.outbox.row.' + normal.id], 'the outbox lists them');
    s = await click(page, 'notify.outbox.row.' + normal.id, st => outbox(st).selected === normal.id, 'the message');
    await page.screenshot({ path: path.join(OUT, 'notify_outbox.png') });
    check((await ui(page)).page === 'notifications', 'still on the page');

    // [5] In the background, a notification that pops up becomes a system notification (permission
    // granted to the page); the toast shows it inside the console.
    await ctx.grantPermissions(['notifications'], { origin });
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const popup = await crm(page, { cmd: 'notify.send', as: 'admin', args: { type: 'report_ready', users: ['admin'],
      message: 'popup e2e' } });
    check(popup.ok && popup.result.popup === 1, 'the notification pops up for admin');
    const popups = await page.evaluate(() => { window.crmPopups.checkNow(); return window.crmPopups; });
    const inbox = await crm(page, { cmd: 'notifications.inbox.list', as: 'admin', args: { limit: 1 } });
    check(popups.shown === 1 && popups.last === inbox.result.notifications[0].title,
      `a system notification is shown while the tab is hidden (${popups.last})`);
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
