// The Reports console, one flow on the canvas: the list shows the demo's reports; the builder makes a
// summary report of Opportunities by stage with the sum of Amount and a bar chart; the preview's numbers are
// the core's (reports.run through the bridge); hovering a bar shows its tooltip; the saved report opens in
// its view, a click on a bar lists that stage's records, Export CSV holds the stages; then, viewing the
// console as a sales rep who may not read Probability, the same report shows without that column and with
// the rep's smaller totals.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, focusedOn, type, hover, drawn, crm, done } =
  require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });
const rep = st => st.reports || {};
const draft = st => rep(st).draft || {};
const result = st => rep(st).result || {};
const chart = st => (st.form || {})['report.chart'] || {};

const NAME = 'E2E Pipeline by stage';
const HIDDEN = 'Probability';
const near = (a, b) => Math.abs(a - b) < 0.005;

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-report-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);

    // [0] The cast: a sales rep, and a field their profile may not read.
    const users = await crm(page, { cmd: 'users.list', as: 'admin' });
    const list = users.result.users || users.result;
    const seller = list.find(u => u.profile === 'Sales Representative' && u.active !== false);
    check(!!seller, `a sales rep (${seller && seller.username})`);
    const hide = await crm(page, { cmd: 'profiles.set_field', as: 'admin', args: { name: 'Sales Representative',
      object: 'Opportunity', field: HIDDEN, read: false, edit: false } });
    check(hide.ok, `${HIDDEN} is hidden from the Sales Representative profile`);
    const probe = await crm(page, { cmd: 'reports.run', as: seller.username, args: { report: { object: 'Opportunity',
      columns: ['Name', HIDDEN] } } });
    check(!probe.ok && probe.error.code === 'report.field_not_readable', `the rep cannot report on ${HIDDEN}`);

    // [1] The list: the demo's reports, by folder.
    s = await click(page, 'nav.reports', st => st.page === 'reports' && rep(st).mode === 'list' &&
      (rep(st).reports || []).length > 0, 'the report list');
    check(rep(s).reports.some(r => r.name === 'Pipeline by stage' && r.folder === 'Sales Reports'),
      `the list shows the demo's reports (${rep(s).reports.length})`);
    await shot(page, 'report_list.png');

    // [2] The builder: a summary of Opportunities by stage, the sum of Amount, three columns, a bar chart.
    s = await click(page, 'reports.new', st => rep(st).mode === 'builder' && draft(st).object === 'Opportunity',
      'the builder on Opportunity');
    check(draft(s).format === 'summary', 'a new report starts as a summary');
    await type(page, 'report.name', NAME, st => draft(st).name === NAME, 'the name');
    await type(page, 'report.folder', 'Sales Reports', st => draft(st).folder === 'Sales Reports', 'the folder');
    await click(page, 'report.add_group', st => drawn(st, 'report.add_group.option.StageName'), 'the fields');
    await click(page, 'report.add_group.option.StageName',
      st => (draft(st).row_groupings || []).length === 1 && draft(st).row_groupings[0].field === 'StageName',
      'grouped by stage');
    await click(page, 'report.add_agg', st => (draft(st).aggregates || []).length === 1, 'a summary row');
    await click(page, 'report.agg.0.fn', st => drawn(st, 'report.agg.0.fn.option.sum'), 'the functions');
    await click(page, 'report.agg.0.fn.option.sum', st => draft(st).aggregates[0].fn === 'sum', 'a sum');
    await click(page, 'report.agg.0.field', st => drawn(st, 'report.agg.0.field.option.Amount'), 'the number fields');
    s = await click(page, 'report.agg.0.field.option.Amount',
      st => draft(st).aggregates[0].field === 'Amount' && draft(st).aggregates[0].key === 'sum_Amount', 'the sum of Amount');
    check(true, 'the summary is the sum of Amount');
    for (const column of ['Name', 'Amount', HIDDEN]) {
      await click(page, 'report.add_column', st => drawn(st, 'report.add_column.option.' + column), 'the columns');
      await click(page, 'report.add_column.option.' + column, st => (draft(st).columns || []).includes(column),
        'the column ' + column);
    }
    await click(page, 'report.chart_kind', st => drawn(st, 'report.chart_kind.option.bar'), 'the chart kinds');
    s = await click(page, 'report.chart_kind.option.bar', st => draft(st).chart && draft(st).chart.kind === 'bar',
      'a bar chart');
    check(draft(s).columns.join() === `Name,Amount,${HIDDEN}`, 'three columns, in order');

    // [3] Preview: the table and the chart hold the core's numbers.
    s = await click(page, 'report.run', st => (result(st).groups || []).length > 0 && (chart(st).categories || []).length > 0,
      'the preview');
    const spec = { ...draft(s) };
    delete spec.id;
    const core = await crm(page, { cmd: 'reports.run', as: 'admin', args: { report: spec } });
    check(core.ok, 'the core runs the same definition');
    const adminSum = Number(core.result.totals.values.sum_Amount);
    check(near(result(s).totals.sum_Amount, adminSum),
      `the preview's grand total is the core's (${result(s).totals.sum_Amount} = ${adminSum})`);
    const stages = core.result.groups.map(g => g.label);
    check(JSON.stringify(chart(s).categories) === JSON.stringify(stages),
      `the chart has one bar per stage (${chart(s).categories.join(', ')})`);
    const bars = chart(s).series[0].values;
    check(core.result.groups.every((g, i) => near(bars[i], Number(g.values.sum_Amount))),
      'each bar is its stage\'s sum of Amount');
    await hover(page, 'report.chart.item.0');
    s = await waitUi(page, st => chart(st).hovered === 0 && (chart(st).tooltip || '').includes(stages[0]),
      'the tooltip of the first bar');
    check(/[0-9],[0-9]{3}/.test(chart(s).tooltip) || /\d/.test(chart(s).tooltip),
      `hovering a bar shows its stage and amount in the company format (${chart(s).tooltip.replace(/\n/g, ' | ')})`);
    await shot(page, 'report_builder_preview.png');

    // [4] Save: the report opens in its view; a bar drills into its records; CSV export.
    s = await click(page, 'report.save', st => rep(st).mode === 'view' && rep(st).shown > 0 && result(st).groups,
      'the saved report');
    const id = rep(s).shown;
    check(rep(s).shown_name === NAME && /Saved|已保存/.test(rep(s).message), `the report is saved (id ${id})`);
    s = await click(page, 'report.chart.item.0', st => result(st).drill && result(st).drill.rows > 0,
      'the records of the first bar');
    check(result(s).drill.label === stages[0], `a click on a bar lists that stage's records (${result(s).drill.rows})`);
    s = await click(page, 'report.view.export', st => result(st).export_bytes > 0, 'the CSV export');
    check(stages.every(l => result(s).export_head.includes(l)), 'the exported CSV holds every stage');
    await shot(page, 'report_view.png');

    // [5] The demo's Sales dashboard: its widgets run, one chart each.
    await click(page, 'report.view.back', st => rep(st).mode === 'list', 'the list');
    s = await click(page, 'reports.dashboards', st => rep(st).mode === 'dashboards' && (rep(st).widgets || []).length > 0,
      'the dashboards');
    check(rep(s).dashboards.includes('Sales dashboard') && rep(s).dashboards.includes('Service dashboard'),
      `the demo's dashboards are listed (${rep(s).dashboards.join(', ')})`);
    check(rep(s).widgets.every(w => !w.error), `every widget of ${rep(s).dashboard} ran (${rep(s).widgets.length})`);
    await shot(page, 'report_dashboard.png');
    await click(page, 'dashboard.back', st => rep(st).mode === 'list', 'the list again');

    // [6] The rep: the same report, without the hidden column, with the rep's totals.
    await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', { focus: true });
    await type(page, null, seller.username, st => st.items['topbar.user.option.' + seller.username], 'the rep in the menu');
    s = await click(page, 'topbar.user.option.' + seller.username, st => st.acting_user === seller.username &&
      rep(st).mode === 'list' && (rep(st).reports || []).some(r => r.id === id), "the rep's report list");
    s = await click(page, 'reports.row.' + id, st => rep(st).mode === 'view' && rep(st).shown === id && result(st).totals,
      'the report as the rep');
    check((rep(s).left_out || []).includes(HIDDEN), `the view says ${HIDDEN} is left out for the rep`);
    // A summary's view shows its groups, not detail columns.
    check(!(result(s).columns || []).includes(HIDDEN), `the rep's result has no ${HIDDEN} column`);
    check(!JSON.stringify(result(s).first_rows || []).includes('"' + HIDDEN + '"'), `no row carries ${HIDDEN}`);
    const repCore = await crm(page, { cmd: 'reports.get', as: seller.username, args: { id } });
    const repRun = await crm(page, { cmd: 'reports.run', as: seller.username, args: { report: repCore.result } });
    check(repRun.ok && !(repRun.result.columns || []).includes(HIDDEN) &&
      !JSON.stringify(repRun.result.rows || []).includes('"' + HIDDEN + '"'), `the core's run for the rep has no ${HIDDEN} either`);
    check(repRun.ok && near(result(s).totals.sum_Amount, Number(repRun.result.totals.values.sum_Amount)),
      `the rep's total is the core's for the rep (${result(s).totals.sum_Amount})`);
    check(result(s).totals.sum_Amount < adminSum, `the rep sees a smaller total than the administrator (${adminSum})`);
    await shot(page, 'report_view_rep.png');
    await click(page, 'viewas.return', st => st.acting_user === 'admin', 'back to admin');
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
