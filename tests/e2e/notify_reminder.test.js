// A reminder on the canvas, end to end: Notifications > Reminders creates "1 day before Close Date" on
// Opportunity through the editor (a broken until formula is refused first, its error beside the until
// part), a deal closing in three days shows the reminder's next occurrence under the record's
// occurrences; the clock moves to that time (scheduler.run_due with `now`, through the page's bridge,
// as the console's runner would run it then), the pop-up toast and the inbox entry (the top bar's bell)
// appear, the entry is snoozed for an hour from the inbox (read, a snooze waits); last the rule is
// deleted after its confirmation.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, frames, click, type, drawn, crm, done } = require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });
const n = st => st.notify || {};
const rem = st => n(st).reminders || {};
const draft = st => rem(st).draft || {};
const wf = st => st.workflow || {};

const RULE = 'E2E a day before close';
const DEAL = 'E2E reminder deal';
const DAY = 86400000;

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-reminder-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);

    // [0] The demo's own close-date reminder (a week before, daily) is switched off, so what the deal gets
    // is this test's rule alone.
    const demo = await crm(page, { cmd: 'reminders.list', as: 'admin', args: { object: 'Opportunity' } });
    check(demo.ok, `the demo has ${demo.result.reminders.length} Opportunity reminder(s)`);
    for (const r of demo.result.reminders) {
      const off = await crm(page, { cmd: 'reminders.save', as: 'admin', args: { id: r.id, active: false } });
      check(off.ok && off.result.active === false, `the demo's "${r.name}" is switched off`);
    }

    // [1] The Reminders tab lists the rules.
    await click(page, 'nav.notifications', st => st.page === 'notifications', 'the Notifications page');
    s = await click(page, 'notify.tab.reminders', st => n(st).tab === 'reminders' && (rem(st).rules || []).length > 0,
      'the Reminders tab');
    check(rem(s).rules.some(r => r.name === demo.result.reminders[0].name && r.active === false),
      'the tab lists the rules, the demo\'s switched off');

    // [2] A new reminder: 1 day before Close Date, at 09:00.
    s = await click(page, 'notify.reminders.new', st => rem(st).editing && draft(st).id === 0, 'the editor');
    check(draft(s).object === 'Opportunity' && draft(s).offset === 1 && draft(s).unit === 'days' &&
      draft(s).direction === 'before', 'a new reminder starts as 1 day before, on Opportunity');
    await type(page, 'notify.reminders.name', RULE, st => st.form['notify.reminders.name'] === RULE, 'the name');
    await click(page, 'notify.reminders.date_field', st => drawn(st, 'notify.reminders.date_field.option.CloseDate'),
      'the date fields');
    s = await click(page, 'notify.reminders.date_field.option.CloseDate', st => draft(st).date_field === 'CloseDate',
      'Close Date');
    await type(page, 'notify.reminders.at', '09:00', st => st.form['notify.reminders.at'] === '09:00', 'the time');
    // A broken until condition: refused, the error beside the until part.
    await type(page, 'notify.reminders.until', 'ISPICKVAL(StageName,', st => st.form['notify.reminders.until'] ===
      'ISPICKVAL(StageName,', 'a broken condition');
    s = await click(page, 'notify.reminders.save', st => !!(rem(st).errors || {}).until, 'the error');
    check(!!(s.errors || {})['notify.reminders.until.error'] && draft(s).id === 0,
      `the core's error is shown beside the until part (${rem(s).errors.until})`);
    await shot(page, 'notify_reminder_error.png');
    await type(page, 'notify.reminders.until', 'ISPICKVAL(StageName, "Closed Won")',
      st => st.form['notify.reminders.until'] === 'ISPICKVAL(StageName, "Closed Won")', 'a good condition');
    s = await click(page, 'notify.reminders.save', st => draft(st).id > 0 && !rem(st).message_error, 'the save');
    const ruleId = draft(s).id;
    const stored = await crm(page, { cmd: 'reminders.get', as: 'admin', args: { id: ruleId } });
    check(stored.ok && stored.result.name === RULE && stored.result.date_field === 'CloseDate' &&
      stored.result.offset === 1 && stored.result.unit === 'days' && stored.result.direction === 'before' &&
      stored.result.at === '09:00', `the reminder is saved: ${rem(s).message}`);
    s = await waitUi(page, st => drawn(st, 'notify.reminders.row.' + ruleId), 'its row');
    check(rem(s).rules.some(r => r.id === ruleId), 'the table lists it');
    await shot(page, 'notify_reminder_saved.png');

    // [3] A deal closing in three days: the rule's next occurrence waits for it.
    const close = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10);
    const created = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Opportunity',
      values: { Name: DEAL, StageName: 'Proposal', Amount: 42000, CloseDate: close } } });
    check(created.ok, `admin creates a deal closing on ${close}`);
    const dealId = created.result.Id;
    await click(page, 'notify.occurrences.record', st => drawn(st, 'notify.occurrences.record.option.' + dealId),
      'the records');
    s = await click(page, 'notify.occurrences.record.option.' + dealId, st => rem(st).record === dealId &&
      (rem(st).pending || []).some(p => p.rule_id === ruleId), 'the occurrences of the deal');
    const next = rem(s).pending.find(p => p.rule_id === ruleId && p.kind === 'reminder');
    check(!!next && next.due_ms > Date.now() && next.due_ms < Date.parse(close) + DAY,
      `the next occurrence is a day before the close date: ${next && next.due}`);
    await shot(page, 'notify_reminder_occurrences.png');

    // [4] The owner (admin) is told in the inbox and by pop-up: their own choice for this type says so and no
    // quiet hours hold the pop-up back.
    for (const channel of ['in_app', 'popup']) {
      const on = await crm(page, { cmd: 'notify.prefs.set', as: 'admin', args: { user: 'admin',
        type: 'close_date_approaching', channel, enabled: true } });
      check(on.ok, `admin's ${channel} is on for the close date type`);
    }
    const quiet = await crm(page, { cmd: 'notify.prefs.quiet_hours', as: 'admin', args: { user: 'admin', clear: true } });
    check(quiet.ok, 'admin has no quiet hours');

    // The clock moves to that time: the scheduler runs what is due then (as the console's runner would).
    const unreadBefore = s.unread, toastsBefore = s.toasts;
    const ran = await crm(page, { cmd: 'scheduler.run_due', as: 'admin', args: { now: next.due_ms } });
    check(ran.ok, `the scheduler runs at ${new Date(next.due_ms).toISOString()}: ${JSON.stringify(ran.result).slice(0, 120)}`);
    const inbox = await crm(page, { cmd: 'notifications.inbox.list', as: 'admin', args: { limit: 50 } });
    const entry = inbox.result.notifications.find(x => x.record_id === dealId && x.object === 'Opportunity' &&
      x.type === 'close_date_approaching');
    check(!!entry && entry.type === 'close_date_approaching' && !entry.read,
      `the owner's inbox has the reminder, unread: "${entry && entry.title}"`);
    s = await waitUi(page, st => st.toasts > toastsBefore && st.unread > unreadBefore &&
      st.toast_record === 'objects.record.Opportunity.' + dealId, 'the toast about the deal');
    check(s.toast.includes(DEAL) && !!s.items.toast && !!s.items['topbar.notifications.badge'],
      `the pop-up toast shows "${s.toast}" and the bell counts ${s.unread} unread`);
    await shot(page, 'notify_reminder_toast.png');

    // [5] The bell opens the inbox; the entry is snoozed for an hour.
    s = await click(page, 'topbar.notifications', st => wf(st).tab === 'notifications' && wf(st).notifications &&
      wf(st).notifications.items.some(i => i.id === entry.id), 'the inbox');
    const listed = wf(s).notifications.items.find(i => i.id === entry.id);
    check(listed.reminder && !listed.read, 'the inbox lists the reminder, unread, with Snooze');
    await click(page, 'notifications.snooze.' + entry.id, st => drawn(st, `notifications.snooze.${entry.id}.60`),
      'the snooze choices');
    s = await click(page, `notifications.snooze.${entry.id}.60`, st =>
      wf(st).notifications.items.some(i => i.id === entry.id && i.read) && !!wf(st).notifications.message,
      'the snooze');
    check(!wf(s).notifications.error, `snoozed: ${wf(s).notifications.message}`);
    const after = await crm(page, { cmd: 'reminders.occurrences', as: 'admin', args: { object: 'Opportunity',
      id: dealId } });
    const snooze = after.result.pending.find(p => p.kind === 'reminder_snooze');
    check(!!snooze && snooze.due_ms > Date.now() + 50 * 60000 && after.result.fired.some(f => f.rule_id === ruleId),
      `the reminder fired once and comes back at ${snooze && snooze.due}`);
    await shot(page, 'notify_reminder_snoozed.png');

    // [6] The rule is deleted after its confirmation.
    await click(page, 'nav.notifications', st => st.page === 'notifications' && n(st).tab === 'reminders',
      'back to the reminders');
    await click(page, 'notify.reminders.row.' + ruleId, st => rem(st).editing && draft(st).id === ruleId, 'the rule');
    // (the editor is taller than the window: the wheel over the middle of the tab brings its buttons up)
    for (let i = 0; i < 10 && !(await waitUi(page, st => !!st, 'a frame')).items['notify.reminders.delete']; i++) {
      await page.mouse.move(800, 500);
      await page.mouse.wheel(0, 240);
      await frames(page, 3);
    }
    await click(page, 'notify.reminders.delete', st => rem(st).confirming && drawn(st, 'notify.reminders.confirm.ok'),
      'the confirmation');
    s = await click(page, 'notify.reminders.confirm.ok', st => !rem(st).editing &&
      !rem(st).rules.some(r => r.id === ruleId), 'the delete');
    const gone = await crm(page, { cmd: 'reminders.get', as: 'admin', args: { id: ruleId } });
    check(!gone.ok, `the reminder is deleted (${rem(s).message})`);
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
