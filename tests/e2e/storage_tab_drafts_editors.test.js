// The editors' drafts outlive the other tab's commit too (storage_tab_drafts covers the company profile
// and a record form): tab B edits without saving, tab A commits a change to the same item, and B's editor
// still holds the edit, unsaved, with A's change shown in the parts B did not touch within a second and a
// notice that the item changed in another tab (no banner holding the reopen back); B then saves and both
// tabs hold both changes. Once for the layout editor (B ticks read-only on a field, so its sections
// change; A assigns the layout to a profile), an automation rule (B edits the description, A the order)
// and the report builder (B renames, A changes the description).
'use strict';
const { check, waitUi, click, type, crm, done } = require('./lib');
const { openTabA, openTabB, commit, showsCommit, bothHold, noneLost } = require('./drafts_lib');

const auto = st => (st.workflow || {}).automation || {};
const rep = st => st.reports || {};

(async () => {
  const { server, ctx, page: a } = await openTabA('tab-drafts-editors');
  try {
    await commit(a, { cmd: 'profiles.create', as: 'admin', args: { name: 'E2E Drafts' } }, 'a profile to assign');
    const b = await openTabB(ctx, server);
    let s;
    const pages = [['A', a], ['B', b]];

    // [1] The layout editor: B ticks read-only on a field of Account's layout, A assigns the layout.
    await click(b, 'nav.objects', st => st.page === 'objects' && st.objects.listed.includes('Account'), 'the object list');
    await click(b, 'objects.row.Account', st => st.objects.object === 'Account', 'Account');
    s = await click(b, 'objects.tab.layouts', st => st.objects.tab === 'layouts' && st.form['layouts.sections'],
      'the layout editor');
    const layout = s.form['layouts.name'];
    const field = s.form['layouts.sections'][0].fields[1];
    await click(b, `layouts.item.${field}.read_only`, st => st.form['layouts.dirty'] === true && st.dirty === true,
      'the layout draft');
    await commit(a, { cmd: 'layouts.assign', as: 'admin', args: { object: 'Account', profile: 'E2E Drafts', layout } },
      'tab A assigns the layout to a profile');
    await showsCommit(b, st => (st.form['layouts.profiles'] || []).includes('E2E Drafts'),
      st => st.form['layouts.dirty'] === true && st.objects.tab === 'layouts', 'layouts.draft_notice', 'layout editor');
    await click(b, 'layouts.save', st => st.form['layouts.dirty'] === false && st.dirty === false, 'tab B saved the layout');
    await waitUi(b, st => st.save === 'saved', 'tab B stored it');
    await bothHold(pages, async page => {
      const r = await crm(page, { cmd: 'layouts.get', as: 'admin', args: { object: 'Account', name: layout } });
      const item = r.ok && r.result.sections[0].items.find(i => (i.field || i) === field);
      return item && item.read_only && r.result.profiles.includes('E2E Drafts');
    }, `B's read-only ${field} and A's assignment`);

    // [2] An automation rule: B edits the description, A changes the order.
    const rules = (await crm(a, { cmd: 'automation.list', as: 'admin', args: { object: 'Opportunity' } })).result;
    const rule = (rules.rules || rules)[0];
    await click(b, 'nav.workflow', st => st.page === 'workflow' && (auto(st).rules || []).length > 0, 'the rules');
    s = await click(b, `automation.row.Opportunity.${rule.name}`, st => auto(st).editing && auto(st).draft.name === rule.name,
      'the rule in the builder');
    const description = (auto(s).draft.description || '') + ' (B)';
    await type(b, 'automation.rule.description', ' (B)', st => auto(st).dirty && auto(st).draft.description === description,
      'the edited description', { append: true });
    const order = rule.order + 7;
    await commit(a, { cmd: 'automation.update', as: 'admin', args: { object: 'Opportunity', name: rule.name,
      changes: { order } } }, 'tab A changes the order of that rule');
    await showsCommit(b, st => auto(st).editing && auto(st).draft.order === order,
      st => auto(st).draft.description === description, 'automation.rule.draft_notice', 'automation rule builder');
    await click(b, 'automation.rule.save', st => auto(st).editing && !auto(st).dirty, 'tab B saved the rule');
    await waitUi(b, st => st.save === 'saved', 'tab B stored it');
    await bothHold(pages, async page => {
      const r = await crm(page, { cmd: 'automation.list', as: 'admin', args: { object: 'Opportunity' } });
      const got = r.ok && (r.result.rules || r.result).find(x => x.id === rule.id);
      return got && got.description === description && got.order === order;
    }, "B's description and A's order");

    // [3] The report builder: B renames a report, A changes its description.
    const listed = (await crm(a, { cmd: 'reports.list', as: 'admin' })).result;
    const report = (listed.reports || listed)[0];
    await click(b, 'nav.reports', st => st.page === 'reports' && rep(st).mode === 'list', 'the reports');
    await click(b, 'reports.row.' + report.id, st => rep(st).mode === 'view' && rep(st).shown === report.id, 'the report');
    s = await click(b, 'report.view.edit', st => rep(st).mode === 'builder' && rep(st).draft.id === report.id, 'the builder');
    const name = rep(s).draft.name + ' (B)';
    await type(b, 'report.name', ' (B)', st => rep(st).dirty && rep(st).draft.name === name, 'the new name', { append: true });
    const text = 'Changed in tab A ' + Date.now() % 100000;
    await commit(a, { cmd: 'reports.update', as: 'admin', args: { id: report.id, report: { description: text } } },
      'tab A changes the description of that report');
    await showsCommit(b, st => rep(st).mode === 'builder' && rep(st).draft.description === text,
      st => rep(st).draft.name === name, 'report.draft_notice', 'report builder');
    await click(b, 'report.save', st => rep(st).mode === 'view' && !st.dirty, 'tab B saved the report');
    await waitUi(b, st => st.save === 'saved', 'tab B stored it');
    await bothHold(pages, async page => {
      const r = await crm(page, { cmd: 'reports.get', as: 'admin', args: { id: report.id } });
      const got = r.ok && (r.result.report || r.result);
      return got && got.name === name && got.description === text;
    }, "B's name and A's description");

    await noneLost(pages);
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
