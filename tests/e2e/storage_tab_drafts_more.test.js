// The rest of the editors that keep drafts over another tab's commit (storage_tab_drafts_editors covers the
// layout editor, an automation rule and the report builder): tab B edits without saving, tab A commits a
// change to the same item through the bridge, and B's editor still holds the edit, unsaved, with A's change
// shown in the parts B did not touch within a second and a notice that the item changed in another tab (no
// banner holding the reopen back); B then saves and both tabs hold both changes. Once for the process
// editor (B renames, A changes a stage's probability), the assignment rule editor (B renames, A changes the
// condition), the approval process editor (B edits the description, A the entry condition), the dashboard
// editor (B renames, A changes the description) and the security settings (B the minimum password length,
// A the lockout attempts).
'use strict';
const { check, frames, scrollTo, waitUi, click, type, focusedOn, crm, done } = require('./lib');
const { openTabA, openTabB, commit, showsCommit, bothHold, noneLost } = require('./drafts_lib');

const form = st => st.form || {};
const tab = st => (st.workflow || {}).tab;
const rep = st => st.reports || {};
const listOf = (result, key) => (Array.isArray(result) ? result : result[key]) || [];
const saved = st => st.save === 'saved';

// The security page's number fields publish the rectangle of the whole row (text, then - and +): its centre
// is the - button, so the text is clicked at its left end (again if the click was lost).
async function focusNumber(page, id) {
  for (let attempt = 1; ; ++attempt) {
    const r = (await scrollTo(page, id)).items[id];
    await page.mouse.move(r[0] + 12, r[1] + r[3] / 2);
    await frames(page, 1);
    await page.mouse.down();
    await frames(page, 1);
    await page.mouse.up();
    try {
      return await waitUi(page, focusedOn(id), 'the keyboard focus in ' + id, 10000);
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

(async () => {
  const { server, ctx, page: a } = await openTabA('tab-drafts-more');
  try {
    // Tall enough for each editor's buttons under its lists (the wheel would scroll a checklist, not the editor).
    const b = await openTabB(ctx, server, { width: 1440, height: 2000 });
    const pages = [['A', a], ['B', b]];
    let s;

    // [1] The process editor: B renames the sales process, A changes its first stage's probability.
    const processes = listOf((await crm(a, { cmd: 'processes.list', as: 'admin', args: { object: 'Opportunity' } })).result,
      'processes');
    const proc = processes.find(p => p.stages.some(x => typeof x.probability === 'number'));
    check(!!proc, 'the demo has an Opportunity process with probabilities');
    await click(b, 'nav.workflow', st => st.page === 'workflow', 'the workflow page');
    await click(b, 'workflow.tab.processes', st => tab(st) === 'processes' && (form(st)['wfp.rows'] || []).length > 0,
      'the processes');
    await click(b, `wfp.row.${proc.name}`, st => form(st)['wfp.editing'] === true && form(st)['wfp.editor.name'] === proc.name,
      'the process in the editor');
    const procName = proc.name + ' (B)';
    await type(b, 'wfp.editor.name', ' (B)', st => form(st)['wfp.editor.name'] === procName && st.dirty === true,
      'the new name', { append: true });
    const stages = proc.stages.map(x => ({ ...x }));
    const at = stages.findIndex(x => typeof x.probability === 'number');
    const probability = stages[at].probability === 15 ? 25 : 15;
    stages[at].probability = probability;
    await commit(a, { cmd: 'processes.update', as: 'admin', args: { name: proc.name, stages } },
      "tab A changes a stage's probability");
    const probabilityAt = st => ((form(st)['wfp.editor.stages'] || [])[at] || {}).probability;
    await showsCommit(b, st => form(st)['wfp.editing'] === true && probabilityAt(st) === probability,
      st => form(st)['wfp.editor.name'] === procName, 'wfp.editor.draft_notice', 'process editor');
    await click(b, 'wfp.editor.save', st => form(st)['wfp.editor.name'] === procName && st.dirty === false,
      'tab B saved the process');
    await waitUi(b, saved, 'tab B stored it');
    await bothHold(pages, async page => {
      const r = await crm(page, { cmd: 'processes.get', as: 'admin', args: { name: procName } });
      return r.ok && (r.result.stages[at] || {}).probability === probability;
    }, "B's name and A's probability");

    // [2] The assignment rule editor: B renames a Lead entry, A changes its condition.
    const entry = listOf((await crm(a, { cmd: 'assignment.list', as: 'admin', args: { object: 'Lead' } })).result,
      'entries')[0];
    check(!!entry, 'the demo has a Lead assignment rule entry');
    await click(b, 'workflow.tab.assignment', st => tab(st) === 'assignment' && form(st)['wfa.object'] === 'Lead' &&
      (form(st)['wfa.rows'] || []).length > 0, 'the assignment rules');
    await click(b, `wfa.row.${entry.name}`, st => form(st)['wfa.editing'] === true && form(st)['wfa.editor.name'] === entry.name,
      'the entry in the editor');
    const entryName = entry.name + '_B';
    await type(b, 'wfa.editor.name', '_B', st => form(st)['wfa.editor.name'] === entryName && st.dirty === true,
      'the new name', { append: true });
    const condition = entry.condition === 'NOT(ISBLANK(City))' ? 'ISBLANK(City)' : 'NOT(ISBLANK(City))';
    await commit(a, { cmd: 'assignment.update', as: 'admin', args: { object: 'Lead', name: entry.name, condition } },
      'tab A changes the condition of that entry');
    await showsCommit(b, st => form(st)['wfa.editing'] === true && form(st)['wfa.editor.condition'] === condition,
      st => form(st)['wfa.editor.name'] === entryName, 'wfa.editor.draft_notice', 'assignment rule editor');
    await click(b, 'wfa.editor.save', st => form(st)['wfa.editor.name'] === entryName && st.dirty === false,
      'tab B saved the entry');
    await waitUi(b, saved, 'tab B stored it');
    await bothHold(pages, async page => {
      const r = await crm(page, { cmd: 'assignment.list', as: 'admin', args: { object: 'Lead' } });
      const got = r.ok && listOf(r.result, 'entries').find(x => x.id === entry.id);
      return got && got.name === entryName && got.condition === condition;
    }, "B's name and A's condition");

    // [3] The approval process editor: B edits the description, A changes the entry condition.
    const approval = listOf((await crm(a, { cmd: 'approvals.list', as: 'admin', args: { object: 'Opportunity' } })).result,
      'processes')[0];
    check(!!approval, 'the demo has an Opportunity approval process');
    await click(b, 'workflow.tab.approval_setup', st => tab(st) === 'approval_setup' &&
      form(st)['wfap.object'] === 'Opportunity' && (form(st)['wfap.rows'] || []).length > 0, 'the approval processes');
    s = await click(b, `wfap.row.${approval.name}`, st => form(st)['wfap.editing'] === true &&
      form(st)['wfap.editor.name'] === approval.name, 'the approval process in the editor');
    const description = form(s)['wfap.editor.description'] + ' (B)';
    await type(b, 'wfap.editor.description', ' (B)',
      st => form(st)['wfap.editor.description'] === description && st.dirty === true, 'the edited description',
      { append: true });
    const entryCondition = approval.entry_condition === 'Amount >= 600000' ? 'Amount >= 700000' : 'Amount >= 600000';
    await commit(a, { cmd: 'approvals.update', as: 'admin', args: { process: { object: 'Opportunity', name: approval.name,
      entry_condition: entryCondition } } }, 'tab A changes the entry condition of that process');
    await showsCommit(b, st => form(st)['wfap.editing'] === true && form(st)['wfap.editor.entry_condition'] === entryCondition,
      st => form(st)['wfap.editor.description'] === description, 'wfap.editor.draft_notice', 'approval process editor');
    await click(b, 'wfap.editor.save', st => form(st)['wfap.editor.description'] === description && st.dirty === false,
      'tab B saved the approval process');
    await waitUi(b, saved, 'tab B stored it');
    await bothHold(pages, async page => {
      const r = await crm(page, { cmd: 'approvals.get', as: 'admin', args: { object: 'Opportunity', name: approval.name } });
      const got = r.ok && (r.result.process || r.result);
      return got && got.description === description && got.entry_condition === entryCondition;
    }, "B's description and A's entry condition");

    // [4] The dashboard editor: B renames the shown dashboard, A changes its description.
    await click(b, 'nav.reports', st => st.page === 'reports' && rep(st).mode === 'list', 'the reports');
    s = await click(b, 'reports.dashboards', st => rep(st).mode === 'dashboards' && !!rep(st).dashboard && rep(st).can_edit,
      'the dashboards');
    const dashboards = listOf((await crm(a, { cmd: 'dashboards.list', as: 'admin' })).result, 'dashboards');
    const dash = dashboards.find(d => d.name === rep(s).dashboard);
    check(!!dash, `the shown dashboard (${rep(s).dashboard}) is listed`);
    await click(b, 'dashboard.edit', st => rep(st).editing && (rep(st).draft || {}).id === dash.id, 'the dashboard editor');
    const dashName = dash.name + ' (B)';
    await type(b, 'dashboard.edit.name', ' (B)', st => rep(st).draft.name === dashName && st.dirty === true,
      'the new name', { append: true });
    const text = 'Changed in tab A ' + Date.now() % 100000;
    await commit(a, { cmd: 'dashboards.update', as: 'admin', args: { id: dash.id, dashboard: { description: text } } },
      'tab A changes the description of that dashboard');
    await showsCommit(b, st => rep(st).editing && (rep(st).draft || {}).description === text,
      st => rep(st).draft.name === dashName, 'dashboard.edit.draft_notice', 'dashboard editor');
    await click(b, 'dashboard.edit.save', st => rep(st).mode === 'dashboards' && !rep(st).editing && st.dirty === false,
      'tab B saved the dashboard');
    await waitUi(b, saved, 'tab B stored it');
    await bothHold(pages, async page => {
      const r = await crm(page, { cmd: 'dashboards.get', as: 'admin', args: { id: dash.id } });
      const got = r.ok && (r.result.dashboard || r.result);
      return got && got.name === dashName && got.description === text;
    }, "B's name and A's description");

    // [5] The security settings: B sets the minimum password length, A the lockout attempts.
    const policy = (await crm(a, { cmd: 'auth.policy.get', as: 'admin' })).result;
    const minLength = policy.min_length === 12 ? 14 : 12;
    const attempts = policy.lockout_attempts === 7 ? 8 : 7;
    await click(b, 'nav.security', st => st.page === 'security' && form(st)['security.min_length'] === policy.min_length,
      'the security settings');
    await focusNumber(b, 'security.min_length');
    await type(b, null, String(minLength),
      st => form(st)['security.min_length'] === minLength && st.dirty === true, 'the new minimum length');
    await commit(a, { cmd: 'auth.policy.update', as: 'admin', args: { lockout_attempts: attempts } },
      'tab A changes the lockout attempts');
    await showsCommit(b, st => st.page === 'security' && form(st)['security.lockout_attempts'] === attempts,
      st => form(st)['security.min_length'] === minLength, 'security.draft_notice', 'security settings');
    await click(b, 'security.save', st => st.dirty === false && st.security.policy.min_length === minLength,
      'tab B saved the settings');
    await waitUi(b, saved, 'tab B stored them');
    await bothHold(pages, async page => {
      const r = await crm(page, { cmd: 'auth.policy.get', as: 'admin' });
      return r.ok && r.result.min_length === minLength && r.result.lockout_attempts === attempts;
    }, "B's minimum length and A's lockout attempts");

    await noneLost(pages);
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
