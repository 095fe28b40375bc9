// The dashboard editor on the canvas: the administrator opens the demo's Sales dashboard in the editor,
// adds a widget (a saved report drawn as a metric, two columns wide on a row of its own) and a dashboard
// filter (Amount > 50000), saves, and sees the widgets' numbers change: the new widget is there, every
// widget on Opportunity counts fewer records, and the console's numbers are the core's (dashboards.run).
// A bad filter is refused beside it. Then a rep, who may view the dashboard but not change it, sees
// Edit disabled with the reason and no move arrows, and the core refuses the same change from them.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, focusedOn, drawn, crm, done } = require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });
const rep = st => st.reports || {};
const draft = st => rep(st).draft || {};
const widgets = st => rep(st).widgets || [];

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-dashboard-edit-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1600, height: 1000 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    s = await click(page, 'nav.reports', st => st.page === 'reports' && rep(st).mode === 'list' &&
      (rep(st).reports || []).length > 0, 'the report list');
    const pipeline = rep(s).reports.find(r => r.name === 'Pipeline by stage');
    check(!!pipeline, 'the demo has Pipeline by stage');
    s = await click(page, 'reports.dashboards', st => rep(st).mode === 'dashboards' && widgets(st).length > 2,
      'the dashboards');
    check(rep(s).dashboard === 'Sales dashboard' && rep(s).can_edit, 'the administrator may edit the Sales dashboard');
    const before = widgets(s);
    const list = await crm(page, { cmd: 'dashboards.list', as: 'admin' });
    const sales = (list.result.dashboards || list.result).find(d => d.name === 'Sales dashboard');

    // [1] The editor: the stored dashboard as its draft.
    s = await click(page, 'dashboard.edit', st => rep(st).editing && draft(st).id === sales.id, 'the editor');
    check(draft(s).components.length === before.length, `the editor holds the ${before.length} widgets`);

    // A widget: Pipeline by stage as a metric, on a row of its own, two columns wide.
    const n = before.length;
    await click(page, 'dashboard.edit.add_widget',
      st => drawn(st, 'dashboard.edit.add_widget.option.' + pipeline.id), 'the reports to add');
    s = await click(page, 'dashboard.edit.add_widget.option.' + pipeline.id,
      st => (draft(st).components || []).length === n + 1, 'the new widget in the draft');
    const w = `dashboard.edit.widget.${n}`;
    await click(page, w + '.kind', st => drawn(st, w + '.kind.option.metric'), 'the widget kinds');
    s = await click(page, w + '.kind.option.metric', st => draft(st).components[n].kind === 'metric', 'a metric');
    await click(page, w + '.width', st => drawn(st, w + '.width.option.2'), 'the widths');
    s = await click(page, w + '.width.option.2', st => draft(st).components[n].width === 2, 'two columns wide');
    const lastRow = Math.max(...draft(s).components.map(c => c.row));
    const newRow = String(lastRow + 2);  // 1-based in the combo: a row after the last
    await click(page, w + '.row', st => drawn(st, `${w}.row.option.${newRow}`), 'the rows');
    s = await click(page, `${w}.row.option.${newRow}`, st => draft(st).components[n].row === lastRow + 1,
      'a row of its own');
    check(rep(s).dirty, 'the editor knows it holds changes');

    // A filter that names no field of any widget is refused beside it; Amount > 50000 is taken.
    await click(page, 'dashboard.edit.add_filter', st => drawn(st, 'dashboard.edit.add_filter.option.Amount'),
      'the fields to filter on');
    s = await click(page, 'dashboard.edit.add_filter.option.Amount',
      st => (draft(st).filters || []).length === 1 && draft(st).filters[0].field === 'Amount', 'a filter on Amount');
    await click(page, 'dashboard.edit.filter.0.op', st => drawn(st, 'dashboard.edit.filter.0.op.option.>'), 'the operators');
    s = await click(page, 'dashboard.edit.filter.0.op.option.>', st => draft(st).filters[0].op === '>', 'greater than');
    s = await type(page, 'dashboard.edit.filter.0.value', 'NEXT_N_DAYS:x',
      st => draft(st).filters[0].value === 'NEXT_N_DAYS:x', 'a value that is not a number');
    s = await click(page, 'dashboard.edit.save', st => rep(st).editing && (rep(st).edit_errors || {})['filters.0'],
      'the refusal beside the filter');
    check(!!s.items['dashboard.edit.filter.0.error'], `the error shows beside the filter (${rep(s).edit_errors['filters.0']})`);
    s = await type(page, 'dashboard.edit.filter.0.value', '50000', st => draft(st).filters[0].value === 50000,
      'the amount');
    await shot(page, 'dashboard_edit_draft.png');

    // [2] Saved: the new widget is there and the numbers changed.
    s = await click(page, 'dashboard.edit.save', st => !rep(st).editing && widgets(st).length === n + 1,
      'the saved dashboard with its new widget');
    const after = widgets(s);
    check(after[n].kind === 'metric' && after[n].report_id === pipeline.id && after[n].width === 2,
      'the new widget is a two-column metric of Pipeline by stage');
    const stored = await crm(page, { cmd: 'dashboards.get', as: 'admin', args: { id: sales.id } });
    const spec = stored.result.dashboard || stored.result;
    check(spec.components.length === n + 1 && spec.filters.length === 1 && spec.filters[0].op === '>',
      'the core stores the widget and the filter');
    const old = before.find(x => x.report_id === pipeline.id);
    const now = after.find(x => x.report_id === pipeline.id);
    const key = Object.keys(old.totals).find(k => /count/i.test(k)) || Object.keys(old.totals)[0];
    check(now.totals[key] < old.totals[key], `Pipeline by stage counts fewer with the filter (${old.totals[key]} -> ${now.totals[key]})`);
    check(after[n].totals[key] === now.totals[key], 'the metric shows the same filtered number');
    const run = await crm(page, { cmd: 'dashboards.run', as: 'admin', args: { id: sales.id } });
    const coreWidgets = run.result.widgets;
    for (let i = 0; i < after.length; i++) {
      const t = coreWidgets[i].result && coreWidgets[i].result.totals && coreWidgets[i].result.totals.values;
      if (!t || after[i].error) continue;
      for (const k of Object.keys(after[i].totals)) {
        if (after[i].totals[k] === null || t[k] === undefined) continue;
        check(Math.abs(Number(t[k]) - after[i].totals[k]) < 1e-6, `widget ${i + 1}'s ${k} is the core's (${t[k]})`);
      }
    }
    await shot(page, 'dashboard_edit_saved.png');

    // [3] A rep may view the dashboard but not change it: Edit is off with the reason, no move arrows, and the
    //     core refuses.
    const users = await crm(page, { cmd: 'users.list', as: 'admin' });
    const seller = (users.result.users || users.result).find(u => u.profile === 'Sales Representative' && u.active !== false);
    await click(page, 'dashboard.back', st => rep(st).mode === 'list', 'the list');
    await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', { focus: true });
    await type(page, null, seller.username, st => st.items['topbar.user.option.' + seller.username], 'the rep in the menu');
    await click(page, 'topbar.user.option.' + seller.username, st => st.acting_user === seller.username, 'the rep');
    s = await click(page, 'reports.dashboards', st => rep(st).mode === 'dashboards' && widgets(st).length === n + 1,
      "the rep's Sales dashboard");
    check(rep(s).dashboard === 'Sales dashboard' && rep(s).can_edit === false, 'the rep may not edit the dashboard');
    check((s.disabled || []).includes('dashboard.edit') && !s.items['dashboard.widget.1.up'] && !rep(s).editing,
      'the rep sees Edit disabled and no move arrows');
    check(((s.form || {})['dashboard.edit.locked'] || '').includes('Manage Reports'),
      `the disabled Edit says why: "${(s.form || {})['dashboard.edit.locked']}"`);
    const refused = await crm(page, { cmd: 'dashboards.update', as: seller.username,
      args: { id: sales.id, dashboard: { filters: [] } } });
    check(!refused.ok && refused.error.code === 'access.denied', `the core refuses the rep's change (${refused.error && refused.error.code})`);
    await shot(page, 'dashboard_edit_rep.png');
    await click(page, 'viewas.return', st => st.acting_user === 'admin', 'back to admin');
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
