// The Workflow console's features that workflow_flow does not reach, on the canvas:
// [1] the automation builder's Simulate against filtered and chosen records: what it shows is what the
//     core's automation.simulate answers for the same rule and records, and nothing is saved;
// [2] an approval step with escalate_after_hours: the rep submits, the scheduler runs past the escalation
//     (scheduler.run_due with `now`, through the bridge), the new approver, viewing the console, gets the
//     toast, the notice and the request in the approval inbox, whose history records the escalation;
// [3] the notification's "Open record" opens the record's form;
// [4] the setup tabs' drafts (processes, assignment rules, approval processes) join the unsaved-changes
//     guard: leaving asks, Stay keeps the draft, Discard leaves without it.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, frames, click, focusedOn, type, drawn, crm, done } = require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });
const wf = st => st.workflow || {};
const auto = st => wf(st).automation || {};
const records = st => st.objects && st.objects.records;

const RULE = 'E2E simulate rule';
const SIM_BIG = 'E2E Sim big deal';
const SIM_SMALL = 'E2E Sim small deal';
const PROCESS = 'E2E escalation';
const DEAL = 'E2E Escalation deal';

// What a simulated run shows, in the same shape from the console (automation.sim.runs) and the core.
const fromUi = r => JSON.stringify({ id: r.record_id, met: r.condition_met, actions: r.actions,
  changes: r.changes, error: r.error || '' });
const fromCore = r => JSON.stringify({ id: r.id, met: r.condition_met, actions: r.actions,
  changes: r.changes, error: r.error || '' });

/** Views the console as `user` through the top bar's user menu. */
async function viewAs(page, user, expect = () => true) {
  await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', { focus: true });
  await type(page, null, user, st => st.items['topbar.user.option.' + user], user + ' in the menu');
  return click(page, 'topbar.user.option.' + user, st => st.acting_user === user && expect(st), 'viewing as ' + user);
}

/**
 * A setup tab's draft and the unsaved-changes guard: `edit` makes the draft dirty; leaving for another
 * tab asks, Stay keeps the draft (`kept` still holds); leaving through the sidebar asks again, Discard
 * goes to the Objects page and the editor is closed when the tab is shown again.
 */
async function guardDraft(page, tab, editingKey, edit, kept, what) {
  await click(page, 'nav.workflow', st => st.page === 'workflow', 'the Workflow page');
  let s = await click(page, 'workflow.tab.' + tab, st => wf(st).tab === tab && st.form[editingKey] !== undefined,
    'the ' + what + ' tab');
  s = await edit(s);
  check(s.dirty === true && kept(s), `the ${what} draft is edited (dirty)`);
  s = await click(page, 'workflow.tab.log', st => st.modal === 'unsaved_changes' && !!st.items['unsaved.stay'],
    'the unsaved-changes question');
  check(wf(s).tab === tab && s.unsaved_what !== '', `leaving the ${what} tab asks first (${s.unsaved_what})`);
  await shot(page, `workflow_guard_${tab}.png`);
  s = await click(page, 'unsaved.stay', st => st.modal === '' && !st.items['unsaved.stay'], 'the question closed');
  check(wf(s).tab === tab && s.dirty === true && s.form[editingKey] === true && kept(s),
    `Stay keeps the ${what} draft and the tab`);
  s = await click(page, 'nav.objects', st => st.modal === 'unsaved_changes' && !!st.items['unsaved.discard'],
    'the question again');
  check(s.page === 'workflow', `leaving through the sidebar asks too (${s.unsaved_what})`);
  s = await click(page, 'unsaved.discard', st => st.modal === '' && st.page === 'objects', 'the Objects page');
  check(!s.dirty, `Discard leaves for the Objects page`);
  s = await click(page, 'nav.workflow', st => st.page === 'workflow' && wf(st).tab === tab &&
    st.form[editingKey] === false, 'the tab again');
  check(!s.dirty, `the ${what} editor is closed, its draft dropped`);
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-wfsim-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);

    // [0] The cast: a rep whose manager and manager's manager are active.
    const users = await crm(page, { cmd: 'users.list', as: 'admin' });
    const list = users.result.users || users.result;
    const byName = new Map(list.map(u => [u.username, u]));
    const isActive = n => byName.has(n) && byName.get(n).active !== false;
    const rep = list.find(u => u.profile === 'Sales Representative' && u.active !== false && isActive(u.manager) &&
      isActive(byName.get(u.manager).manager));
    check(!!rep, `a rep with an active manager and manager's manager (${rep && rep.username})`);
    const manager = rep.manager, above = byName.get(manager).manager;

    // [1] Simulate. A rule of this test's own, and two deals: one meets its condition, one does not.
    const rule = await crm(page, { cmd: 'automation.create', as: 'admin', args: { object: 'Opportunity', name: RULE,
      trigger: { kind: 'on_update' }, condition: 'AND(BEGINS(Name, "E2E Sim"), Amount >= 100000)',
      actions: [{ kind: 'update_field', field: 'Amount', value: 'Amount * 0.9' },
        { kind: 'update_field', field: 'NextStep', value: '"Call about " & Name' },
        { kind: 'create_task', subject: 'Discount call for {{Name}}', due_in_days: 1 }] } });
    check(rule.ok, 'a rule that lowers the amount, sets the next step and creates a task');
    const make = async (name, amount) => {
      const r = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Opportunity',
        values: { Name: name, StageName: 'Proposal', Amount: amount, CloseDate: '2027-06-30' } } });
      check(r.ok, `the deal "${name}" (${amount})`);
      return r.result.Id;
    };
    const big = await make(SIM_BIG, 300000), small = await make(SIM_SMALL, 50000);
    const getDeal = async id => (await crm(page, { cmd: 'records.get', as: 'admin',
      args: { object: 'Opportunity', id } })).result;
    const auditTotal = async () => (await crm(page, { cmd: 'audit.list', as: 'admin', args: { limit: 1 } })).result.total;
    const taskCount = async () => (await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Task',
      columns: ['Subject'], filter_formula: 'BEGINS(Subject, "Discount call for E2E Sim")' } })).result.total;
    const before = { big: await getDeal(big), small: await getDeal(small), audit: await auditTotal(),
      tasks: await taskCount() };

    s = await click(page, 'nav.workflow', st => st.page === 'workflow' && wf(st).tab === 'automation' &&
      (auto(st).rules || []).some(r => r.name === RULE), 'the automation rules');
    s = await click(page, `automation.row.Opportunity.${RULE}`, st => auto(st).editing &&
      (auto(st).draft || {}).name === RULE, 'the rule in the builder');
    const uiAuditBefore = s.audit_total;
    // The record picker, narrowed by the filter to this test's two deals.
    await type(page, 'automation.sim.filter', 'E2E Sim');
    s = await click(page, 'automation.sim.record', st => drawn(st, `automation.sim.record.option.${big}`) &&
      drawn(st, `automation.sim.record.option.${small}`), 'the filtered records');
    const offered = Object.keys({ ...s.items, ...s.offscreen }).filter(k => k.startsWith('automation.sim.record.option.') &&
      k !== 'automation.sim.record.option.none');
    check(offered.length === 2, `the filter offers the two "E2E Sim" deals (${offered.length})`);
    await click(page, `automation.sim.record.option.${big}`, st => !drawn(st, `automation.sim.record.option.${small}`),
      'the big deal chosen');
    s = await click(page, 'automation.sim.run', st => Array.isArray(st.form['automation.sim.runs']) &&
      st.form['automation.sim.runs'].some(r => r.record_id === big), 'the simulated run');
    const core = await crm(page, { cmd: 'automation.simulate', as: 'admin', args: { object: 'Opportunity',
      name: RULE, ids: [big] } });
    check(core.ok && core.result.records.length === 1, 'the core simulates the same rule on the same deal');
    const shown = s.form['automation.sim.runs'];
    check(shown.length === 1 && fromUi(shown[0]) === fromCore(core.result.records[0]),
      `the console shows what the core answers: ${fromUi(shown[0])}`);
    check(shown[0].condition_met && shown[0].changes.Amount === 270000 &&
      shown[0].changes.NextStep === 'Call about ' + SIM_BIG && shown[0].actions.length === 3,
      'what would change: the amount less 10 %, the next step, and a task');
    // (the builder scrolled to its end, so the screenshot shows the result)
    const run = s.items['automation.sim.run'];
    await page.mouse.move(run[0], run[1] - 40);
    await page.mouse.wheel(0, 600);
    await frames(page, 4);
    await shot(page, 'workflow_simulate.png');
    // The other deal: the condition does not hold.
    await click(page, 'automation.sim.record', st => drawn(st, `automation.sim.record.option.${small}`), 'the records');
    await click(page, `automation.sim.record.option.${small}`, st => !st.form['automation.sim.runs'],
      'the small deal chosen');
    s = await click(page, 'automation.sim.run', st => Array.isArray(st.form['automation.sim.runs']) &&
      st.form['automation.sim.runs'].some(r => r.record_id === small), 'the simulated run');
    const both = await crm(page, { cmd: 'automation.simulate', as: 'admin', args: { object: 'Opportunity',
      name: RULE, filter_formula: 'BEGINS(Name, "E2E Sim")' } });
    const coreSmall = both.ok && both.result.records.find(r => r.id === small);
    check(both.ok && both.result.records.length === 2 && !!coreSmall &&
      fromUi(s.form['automation.sim.runs'][0]) === fromCore(coreSmall) && !coreSmall.condition_met,
      `the filtered simulation agrees for the deal that does not qualify: ${fromUi(s.form['automation.sim.runs'][0])}`);
    // Nothing saved: the deals, the audit trail and the tasks are as they were.
    const after = { big: await getDeal(big), small: await getDeal(small), audit: await auditTotal(),
      tasks: await taskCount() };
    check(JSON.stringify(after) === JSON.stringify(before), 'nothing is saved: deals, audit trail and tasks unchanged');
    s = await waitUi(page, st => st.audit_total !== undefined, 'the state');
    check(s.audit_total === uiAuditBefore && !auto(s).dirty, `the console's audit count is unchanged (${s.audit_total})`);
    await click(page, 'automation.rule.cancel', st => !auto(st).editing, 'the builder closed');

    // [2] Escalation: a process whose one step escalates to the approver's manager after 2 business hours.
    const created = await crm(page, { cmd: 'approvals.create', as: 'admin', args: { process: { object: 'Opportunity',
      name: PROCESS, entry_condition: `BEGINS(Name, "${DEAL}")`, steps: [{ name: 'Manager',
        approver: { kind: 'manager' }, escalate_after_hours: 2, escalate_to: 'manager' }] } } });
    check(created.ok, `the process "${PROCESS}" escalates after 2 business hours`);
    const deal = await crm(page, { cmd: 'records.create', as: rep.username, args: { object: 'Opportunity',
      values: { Name: DEAL, StageName: 'Proposal', Amount: 120000, CloseDate: '2027-06-30' } } });
    check(deal.ok, 'the rep creates a deal');
    const dealId = deal.result.Id;
    const submitted = await crm(page, { cmd: 'approvals.submit', as: rep.username, args: { object: 'Opportunity',
      id: dealId, process: PROCESS, comment: 'Please' } });
    check(submitted.ok && submitted.result.status === 'pending' &&
      JSON.stringify(submitted.result.waiting_on) === JSON.stringify([manager]),
      `the rep submits; it waits on ${manager}`);
    const queued = await crm(page, { cmd: 'scheduler.list', as: 'admin', args: { state: 'pending',
      object: 'Opportunity', record_id: dealId } });
    const item = (queued.result.items || queued.result).find(i => i.kind === 'approval_escalation');
    check(!!item && item.due_ms > Date.now(), `the escalation is queued for ${item && item.due}`);

    // The manager's manager views the console; the scheduler runs a minute past the escalation.
    s = await viewAs(page, above);
    const unreadBefore = s.unread, toastsBefore = s.toasts;
    const ran = await crm(page, { cmd: 'scheduler.run_due', as: 'admin', args: { now: item.due_ms + 60000 } });
    const escalation = ran.ok && (ran.result.ran || []).find(r => r.id === item.id);
    check(!!escalation && escalation.state === 'done', `the scheduler runs the escalation (${escalation && escalation.state})`);
    s = await waitUi(page, st => st.toasts > toastsBefore && st.unread > unreadBefore, 'the toast');
    check(/escalat|升级/i.test(s.toast) && !!s.items.toast, `a toast tells ${above} (${s.toast})`);
    await shot(page, 'workflow_escalation_toast.png');
    const old = await crm(page, { cmd: 'notifications.inbox.list', as: manager, args: { limit: 50 } });
    check(old.result.notifications.some(n => n.record_id === dealId && n.title === 'Approval escalated: ' + PROCESS),
      `${manager} is told the request was escalated`);
    const runAt = new Date(item.due_ms + 60000).toISOString().replace(/\.\d+Z$/, 'Z');
    const dated = await crm(page, { cmd: 'approvals.history', as: 'admin', args: { object: 'Opportunity', id: dealId } });
    const entry = dated.ok && (dated.result.requests || dated.result)[0].history.find(h => h.action === 'escalated');
    check(!!entry && entry.at === runAt, `the escalation is dated at the scheduler run's time (${entry && entry.at})`);
    const oldInbox = await crm(page, { cmd: 'approvals.inbox', as: manager, args: {} });
    check(!(oldInbox.result.items || oldInbox.result).some(i => i.record_id === dealId),
      `the request left ${manager}'s approval inbox`);

    // The notice in the inbox, then the request in the approval inbox with the escalation in its history.
    s = await click(page, 'topbar.notifications', st => wf(st).tab === 'notifications' && wf(st).notifications &&
      wf(st).notifications.items.some(n => n.record_id === dealId), 'the notification inbox');
    const notice = wf(s).notifications.items.find(n => n.record_id === dealId &&
      n.title === 'Approval escalated to you: ' + PROCESS);
    check(!!notice && !notice.read && notice.object === 'Opportunity', `the notice, unread: "${notice && notice.title}"`);
    s = await click(page, 'workflow.tab.approvals', st => wf(st).tab === 'approvals' && wf(st).approvals &&
      wf(st).approvals.items.some(i => i.record_id === dealId), 'the approval inbox');
    const request = wf(s).approvals.items.find(i => i.record_id === dealId);
    check(request.process === PROCESS && request.submitter === rep.username, `the request waits on ${above}`);
    s = await click(page, 'approvals.row.' + request.request_id, st => wf(st).approvals.selected === request.request_id &&
      Array.isArray(st.form['approvals.history']), 'the request and its history');
    const history = s.form['approvals.history'];
    check(history.some(h => h.action === 'escalated' && h.shown === 'Escalated' &&
      h.comment === `from ${manager} to ${above} after 2 business hours`),
      `the history records the escalation (${history.map(h => h.shown).join(', ')})`);
    await shot(page, 'workflow_escalation_inbox.png');

    // [3] The notice opens its record.
    await click(page, 'workflow.tab.notifications', st => wf(st).tab === 'notifications' &&
      drawn(st, 'notifications.record.' + notice.id), 'the notifications');
    s = await click(page, 'notifications.record.' + notice.id, st => st.page === 'objects' &&
      st.objects.object === 'Opportunity' && records(st) && records(st).mode === 'edit' &&
      st.form['record.id'] === dealId, 'the deal\'s form');
    check(s.form['record.values'] && s.form['record.values'].Name === DEAL,
      `the notice opens the deal's form (${s.form['record.values'] && s.form['record.values'].Name})`);
    const read = await crm(page, { cmd: 'notifications.inbox.list', as: above, args: { limit: 50 } });
    check(read.result.notifications.some(n => n.id === notice.id && n.read), 'opening it marks the notice read');
    await shot(page, 'workflow_notice_record.png');
    await click(page, 'viewas.return', st => st.acting_user === 'admin', 'back to admin');

    // [4] The setup drafts and the unsaved-changes guard.
    let drafted = '';
    await guardDraft(page, 'processes', 'wfp.editing', async st => {
      const row = st.form['wfp.rows'][0];
      drafted = row.name;
      await click(page, 'wfp.row.' + row.name, x => x.form['wfp.editing'] === true && x.form['wfp.editor.name'] === row.name,
        'the process editor');
      return type(page, 'wfp.editor.name', row.name + ' (draft)', x => x.form['wfp.editor.name'] === row.name + ' (draft)',
        'the renamed draft');
    }, st => /\(draft\)$/.test(st.form['wfp.editor.name']), 'process');
    const processes = await crm(page, { cmd: 'processes.list', as: 'admin', args: {} });
    check(processes.ok && JSON.stringify(processes.result).includes(JSON.stringify(drafted)) &&
      !JSON.stringify(processes.result).includes('(draft)'), `the process keeps its name "${drafted}"`);
    await guardDraft(page, 'assignment', 'wfa.editing', async st => {
      const row = st.form['wfa.rows'][0];
      drafted = row.name;
      await click(page, 'wfa.row.' + row.name, x => x.form['wfa.editing'] === true && x.form['wfa.editor.name'] === row.name,
        'the assignment editor');
      return type(page, 'wfa.editor.name', row.name + ' (draft)', x => x.form['wfa.editor.name'] === row.name + ' (draft)',
        'the renamed draft');
    }, st => /\(draft\)$/.test(st.form['wfa.editor.name']), 'assignment rule');
    const entries = await crm(page, { cmd: 'assignment.list', as: 'admin', args: { object: 'Lead' } });
    check(entries.ok && JSON.stringify(entries.result).includes(JSON.stringify(drafted)) &&
      !JSON.stringify(entries.result).includes('(draft)'), `the assignment rule keeps its name "${drafted}"`);
    await guardDraft(page, 'approval_setup', 'wfap.editing', async st => {
      const row = st.form['wfap.rows'].find(r => r.name === PROCESS) || st.form['wfap.rows'][0];
      await click(page, 'wfap.row.' + row.name, x => x.form['wfap.editing'] === true &&
        x.form['wfap.editor.name'] === row.name, 'the approval process editor');
      return type(page, 'wfap.editor.description', 'E2E draft note',
        x => x.form['wfap.editor.description'] === 'E2E draft note', 'the edited description');
    }, st => st.form['wfap.editor.description'] === 'E2E draft note', 'approval process');
    const stored = await crm(page, { cmd: 'approvals.get', as: 'admin', args: { object: 'Opportunity', name: PROCESS } });
    check(stored.ok && (stored.result.description || '') === '', 'the discarded description was not saved');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
