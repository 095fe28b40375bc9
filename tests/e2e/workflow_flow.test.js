// The Workflow console, one whole flow on the canvas: an automation rule built in the builder (a task
// for the owner and a word to the owner's manager when an Opportunity's stage becomes Negotiation; an
// error shown beside the action it names on the way), an Opportunity moved to Negotiation in the
// records page, the task, the manager's unread count in the top bar and the notification, the entry in
// the execution log; then the rep submits the deal for approval (through the bridge), the manager,
// viewing the console, gets a toast, and approves in the approval inbox with a comment; the scheduled
// items and "Run due now" last, and the builder in Chinese.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, focusedOn, type, drawn, crm, done } = require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });
const wf = st => st.workflow || {};
const auto = st => wf(st).automation || {};
const draft = st => auto(st).draft || {};
const records = st => st.objects && st.objects.records;

const RULE = 'E2E Negotiation rule';
const DEAL = 'E2E Negotiation deal';
const CONDITION = 'ISPICKVAL(StageName, "Negotiation")';
const SUBJECT = 'E2E contract for {{Name}}';
const TITLE = 'E2E: {{Name}} reached Negotiation';

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-workflow-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);

    // [0] The cast: a sales rep whose manager is active; the rep's deal in Proposal, large enough for
    // the demo's discount approval (from 500,000 the manager approves) and below the VP's step.
    const users = await crm(page, { cmd: 'users.list', as: 'admin' });
    const list = users.result.users || users.result;
    const active = new Set(list.filter(u => u.active !== false).map(u => u.username));
    const rep = list.find(u => u.profile === 'Sales Representative' && u.active !== false && u.manager &&
      active.has(u.manager));
    check(!!rep, `a sales rep with an active manager (${rep && rep.username}, manager ${rep && rep.manager})`);
    const manager = rep.manager;
    const created = await crm(page, { cmd: 'records.create', as: rep.username, args: { object: 'Opportunity',
      values: { Name: DEAL, StageName: 'Proposal', Amount: 800000, CloseDate: '2027-06-30' } } });
    check(created.ok, 'the rep creates a deal in Proposal');
    const dealId = created.result.Id;
    // The demo's own Negotiation rule is switched off, so the task and the notice are this rule's.
    const off = await crm(page, { cmd: 'automation.update', as: 'admin', args: { object: 'Opportunity',
      name: 'Negotiation follow-up', changes: { active: false } } });
    check(off.ok, "the demo's Negotiation rule is switched off");

    // [1] Workflow > Automation rules lists the rules; the builder opens on a new rule for Opportunity.
    s = await click(page, 'nav.workflow', st => st.page === 'workflow' && wf(st).tab === 'automation' &&
      (auto(st).rules || []).length > 0, 'the automation rules');
    check(auto(s).rules.some(r => r.name === 'Big deal alert' && r.object === 'Opportunity'),
      `the list shows the demo's rules (${auto(s).rules.length})`);
    check(!!s.items['workflow.tab.processes'] && !!s.items['workflow.tab.approval_setup'],
      'the Workflow page is built, with its setup tabs');
    s = await click(page, 'automation.new', st => auto(st).editing && auto(st).is_new, 'the builder');
    check(draft(s).object === 'Opportunity', 'a new rule starts on Opportunity');
    await type(page, 'automation.rule.name', RULE, st => draft(st).name === RULE, 'the rule name');

    // The trigger: when StageName changes.
    await click(page, 'automation.rule.trigger', st => drawn(st, 'automation.rule.trigger.option.on_field_change'),
      'the trigger kinds');
    await click(page, 'automation.rule.trigger.option.on_field_change',
      st => draft(st).trigger && draft(st).trigger.kind === 'on_field_change', 'a field-change trigger');
    await click(page, 'automation.rule.trigger.add_field',
      st => drawn(st, 'automation.rule.trigger.add_field.option.StageName'), 'the fields');
    s = await click(page, 'automation.rule.trigger.add_field.option.StageName',
      st => (draft(st).trigger.fields || []).includes('StageName'), 'StageName watched');
    check(true, 'the trigger watches StageName');

    // The condition, in the formula editor.
    s = await type(page, 'automation.rule.condition', CONDITION,
      st => st.form['automation.rule.condition'] === CONDITION && draft(st).condition === CONDITION, 'the condition');
    check(!s.errors['automation.rule.condition'], 'the condition compiles');

    // The actions: a task, then a notification to the owner's manager.
    await click(page, 'automation.rule.add_action', st => drawn(st, 'automation.rule.add_action.option.create_task'),
      'the action kinds');
    await click(page, 'automation.rule.add_action.option.create_task',
      st => (draft(st).actions || []).length === 1 && draft(st).actions[0].kind === 'create_task', 'a task action');
    await type(page, 'automation.rule.action.0.subject', SUBJECT,
      st => draft(st).actions[0].subject === SUBJECT, 'the task subject');
    await click(page, 'automation.rule.add_action', st => drawn(st, 'automation.rule.add_action.option.notify'),
      'the action kinds');
    await click(page, 'automation.rule.add_action.option.notify',
      st => draft(st).actions.length === 2 && draft(st).actions[1].kind === 'notify', 'a notify action');
    await click(page, 'automation.rule.action.1.to', st => drawn(st, 'automation.rule.action.1.to.option.owner_manager'),
      'the recipients');
    await click(page, 'automation.rule.action.1.to.option.owner_manager',
      st => draft(st).actions[1].to === 'owner_manager', "the owner's manager");

    // Saving without a title: the core's error is shown beside that action's title.
    s = await click(page, 'automation.rule.save', st => st.errors && st.errors['automation.rule.action.1.title'],
      'the error beside the title');
    check(auto(s).is_new && /title|标题/i.test(s.errors['automation.rule.action.1.title']),
      `a notification without a title is refused, the error beside it (${s.errors['automation.rule.action.1.title']})`);
    await shot(page, 'workflow_builder_error.png');
    await type(page, 'automation.rule.action.1.title', TITLE, st => draft(st).actions[1].title === TITLE, 'the title');
    // (The list is read again on the frame after the save's: wait for it too.)
    s = await click(page, 'automation.rule.save', st => auto(st).editing && !auto(st).is_new && !auto(st).dirty &&
      (auto(st).rules || []).some(r => r.name === RULE), 'the saved rule, listed');
    check(/Saved/.test(auto(s).message) && auto(s).rules.some(r => r.name === RULE && r.active),
      'the rule is saved and listed (' + auto(s).message + ')');
    const stored = await crm(page, { cmd: 'automation.list', as: 'admin', args: { object: 'Opportunity' } });
    const rule = (stored.result.rules || stored.result).find(r => r.name === RULE);
    check(rule && rule.trigger.kind === 'on_field_change' && rule.condition === CONDITION &&
      rule.actions.map(a => a.kind).join() === 'create_task,notify' && rule.actions[1].to === 'owner_manager',
      'the core holds the rule as built');
    await shot(page, 'workflow_builder.png');

    // [2] The deal moves to Negotiation in the records page.
    await click(page, 'nav.objects', st => st.page === 'objects' && st.objects.listed.includes('Opportunity'),
      'the object list');
    await click(page, 'objects.row.Opportunity', st => st.objects.object === 'Opportunity', 'Opportunity');
    await click(page, 'objects.tab.records', st => st.objects.tab === 'records' && records(st).mode === 'list',
      'the records list');
    await type(page, 'records.filter', `Name = "${DEAL}"`);
    await click(page, 'records.filter_apply', st => records(st).mode === 'list' &&
      JSON.stringify(records(st).ids) === JSON.stringify([dealId]), 'the deal alone in the list');
    await click(page, 'records.row.' + dealId, st => records(st).mode === 'edit' && st.form['record.values'] &&
      st.form['record.id'] === dealId, 'the deal');
    await click(page, 'record.form.StageName', st => drawn(st, 'record.form.StageName.option.Negotiation'), 'the stages');
    await click(page, 'record.form.StageName.option.Negotiation',
      st => st.form['record.values'].StageName === 'Negotiation' && st.dirty, 'Negotiation picked');
    s = await click(page, 'record.save', st => st.dirty === false && st.form['record.values'] &&
      st.form['record.values'].StageName === 'Negotiation', 'the saved deal');
    const deal = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Opportunity', id: dealId } });
    check(deal.result.StageName === 'Negotiation', 'the deal is saved in Negotiation');

    // [3] The task, for the owner.
    const tasks = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Task',
      columns: ['Subject', 'OwnerId', 'WhatId'], filter_formula: `Subject = "E2E contract for ${DEAL}"` } });
    check(tasks.ok && tasks.result.total === 1 && tasks.result.rows[0].OwnerId === created.result.OwnerId &&
      tasks.result.rows[0].WhatId === dealId, 'the rule created the task for the deal\'s owner');

    // [4] The log entry, in Workflow > Execution log.
    await click(page, 'nav.workflow', st => st.page === 'workflow', 'the Workflow page');
    s = await click(page, 'workflow.tab.log', st => wf(st).tab === 'log' && wf(st).log &&
      wf(st).log.entries.some(e => e.rule === RULE && e.record_id === dealId), 'the log entry');
    const entry = wf(s).log.entries.find(e => e.rule === RULE && e.record_id === dealId);
    check(entry.ok && entry.condition_met && entry.trigger === 'on_field_change' && entry.actions.length === 2,
      `the log shows the run: ${entry.actions.join('; ')}`);
    s = await click(page, 'log.row.' + entry.id, st => wf(st).log.selected === entry.id, 'the entry chosen');
    await shot(page, 'workflow_log.png');

    // [5] The manager's notification: viewing as the manager, the top bar's count, then the inbox.
    const unread = await crm(page, { cmd: 'notifications.inbox.unread_count', as: manager });
    await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', { focus: true });
    await type(page, null, manager, st => st.items['topbar.user.option.' + manager], 'the manager in the menu');
    s = await click(page, 'topbar.user.option.' + manager, st => st.acting_user === manager &&
      st.unread === unread.result.unread, "the manager's unread count");
    check(s.unread >= 1 && !!s.items['topbar.notifications.badge'],
      `the top bar shows the manager's unread count (${s.unread})`);
    s = await click(page, 'topbar.notifications', st => wf(st).tab === 'notifications' && wf(st).notifications &&
      wf(st).notifications.items.length > 0, 'the notification inbox');
    const notice = wf(s).notifications.items.find(n => n.title === `E2E: ${DEAL} reached Negotiation`);
    check(notice && !notice.read && notice.record_id === dealId, "the manager's inbox has the rule's notification, unread");
    await shot(page, 'workflow_notifications.png');

    // [6] The rep submits the deal for approval; the manager, viewing the console, gets a toast.
    const toastsBefore = s.toasts;
    const submitted = await crm(page, { cmd: 'approvals.submit', as: rep.username, args: { object: 'Opportunity',
      id: dealId, comment: 'Discount for the contract' } });
    check(submitted.ok && submitted.result.status === 'pending' && submitted.result.waiting_on.includes(manager),
      'the rep submits the deal; it waits on the manager');
    s = await waitUi(page, st => st.toasts > toastsBefore && st.unread === s.unread + 1, 'the toast');
    check(/Approval|审批/.test(s.toast) && !!s.items.toast, `a toast tells the manager (${s.toast})`);
    await shot(page, 'workflow_toast.png');

    // [7] The approval inbox: the request, a comment, Approve.
    s = await click(page, 'workflow.tab.approvals', st => wf(st).tab === 'approvals' && wf(st).approvals &&
      wf(st).approvals.items.some(i => i.record_id === dealId), 'the approval inbox');
    const request = wf(s).approvals.items.find(i => i.record_id === dealId);
    check(request.submitter === rep.username && request.process === 'Discount approval',
      'the request waits in the manager\'s approval inbox');
    await click(page, 'approvals.row.' + request.request_id, st => wf(st).approvals.selected === request.request_id &&
      st.items['approvals.approve'], 'the request chosen');
    await type(page, 'approvals.comment', 'Fine by me', st => st.form['approvals.comment'] === 'Fine by me', 'the comment');
    await shot(page, 'workflow_approval.png');
    s = await click(page, 'approvals.approve', st => !wf(st).approvals.items.some(i => i.record_id === dealId) &&
      /Approved|已批准/.test(wf(st).approvals.message), 'the approval');
    const history = await crm(page, { cmd: 'approvals.history', as: 'admin', args: { object: 'Opportunity', id: dealId } });
    const req = (history.result.requests || history.result)[0];
    check(req.status === 'approved' && req.history.some(h => h.action === 'approved' && h.actor === manager &&
      h.comment === 'Fine by me'), 'the request is approved by the manager, with the comment in its history');

    // [8] Mark all read: the badge goes.
    await click(page, 'workflow.tab.notifications', st => wf(st).tab === 'notifications', 'the notifications');
    s = await click(page, 'notifications.mark_all', st => st.unread === 0 && wf(st).notifications.unread === 0,
      'every notification read');
    check(!s.items['topbar.notifications.badge'], 'marking all read clears the top bar\'s count');
    await click(page, 'viewas.return', st => st.acting_user === 'admin', 'back to admin');

    // [9] Scheduled items: the console has looked for due items since it opened. The deal's close date
    // moves two days ahead, so its "Close date in a week" reminder fell due days ago: "Run due now" runs
    // it, and it is listed as ran late.
    s = await click(page, 'workflow.tab.scheduled', st => wf(st).tab === 'scheduled' && wf(st).scheduled &&
      wf(st).scheduled.items.length > 0, 'the scheduled items');
    check(wf(s).runner.runs >= 1 && wf(s).scheduled.items.every(i => i.state === 'pending'),
      `the console ran the scheduler on open (${wf(s).runner.runs} runs); ${wf(s).scheduled.items.length} items wait`);
    const soon = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10);
    const moved = await crm(page, { cmd: 'records.update', as: 'admin', args: { object: 'Opportunity', id: dealId,
      values: { CloseDate: soon } } });
    check(moved.ok, `the deal's close date moves to ${soon}`);
    // (the console's own run, every 60 s, may take it first: then it is already among the items that ran)
    s = await waitUi(page, st => wf(st).scheduled && (wf(st).scheduled.items.some(i => i.record_id === dealId &&
      i.shown === 'due') || wf(st).runner.last_late > 0), "the deal's reminder due");
    await shot(page, 'workflow_scheduled.png');
    s = await click(page, 'scheduled.run_now', st => wf(st).scheduled.message !== '', 'the run');
    // (the demo's close-date reminder of the deal falls due with it: one or more items, all late)
    check(/Items run: ([1-9]\d*) \(\1 late|Nothing is due/.test(wf(s).scheduled.message),
      `"Run due now" runs what is due (${wf(s).scheduled.message})`);
    await click(page, 'scheduled.state', st => drawn(st, 'scheduled.state.option.done'), 'the states');
    // (The list is read again on the frame after the filter's change: wait for the items that ran.)
    s = await click(page, 'scheduled.state.option.done', st => wf(st).scheduled.state === 'done' &&
      wf(st).scheduled.items.some(i => i.record_id === dealId && i.state !== 'pending'), 'the items that ran');
    const ran = wf(s).scheduled.items.find(i => i.record_id === dealId && i.state !== 'pending');
    check(ran.shown === 'late' && ran.ran_late, 'the reminder is listed as ran late: ' + JSON.stringify(ran));
    await shot(page, 'workflow_scheduled_late.png');

    // [10] The builder in Chinese.
    await click(page, 'workflow.tab.automation', st => wf(st).tab === 'automation', 'the rules');
    await click(page, 'automation.row.Opportunity.' + RULE, st => auto(st).editing && draft(st).name === RULE, 'the rule');
    s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'Chinese');
    check(true, 'the builder shows in Chinese');
    await shot(page, 'workflow_builder_zh.png');
    await click(page, 'topbar.lang', st => st.lang === 'en', 'English');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
