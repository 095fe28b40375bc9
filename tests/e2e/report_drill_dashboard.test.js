// Drill-down from every level of a report and dashboard widgets moved, on the canvas: the demo's
// two-level summary (accounts by industry and region) drills from a second-level group and from the
// grand total; the demo's matrix (opportunities by owner and stage) drills from a row and from one cell;
// each drill lists as many records as its group counts, the same as the core's run with DrillFilters'
// keys. Then the Sales dashboard: a widget dragged onto the first moves there and stays (the core's
// dashboards.get); Alt+Down on the selected widget and its Move up arrow move it back; a rep who may only
// view the dashboard is refused and the order stays.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, press, frames, ui, focusedOn, type, crm, done } =
  require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });
const rep = st => st.reports || {};
const result = st => rep(st).result || {};
const drill = st => result(st).drill || null;
const order = st => (rep(st).widgets || []).map(w => w.report_id);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Presses on the centre of item `from`, moves over `to` in steps (a frame each), releases there. */
async function drag(page, from, to) {
  const s = await ui(page);
  const a = s.items[from], b = s.items[to];
  if (!a || !b) throw new Error(`drag: ${from} or ${to} not on screen`);
  await page.mouse.move(a[0] + a[2] / 2, a[1] + a[3] / 2);
  await frames(page, 1);
  await page.mouse.down();
  await frames(page, 1);
  const steps = 8;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(a[0] + a[2] / 2 + (b[0] - a[0]) * i / steps, a[1] + a[3] / 2 + (b[1] + b[3] * 2 - a[1]) * i / steps);
    await frames(page, 1);
  }
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 2);
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-report-drill-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    s = await click(page, 'nav.reports', st => st.page === 'reports' && rep(st).mode === 'list' &&
      (rep(st).reports || []).length > 0, 'the report list');
    const byName = name => rep(s).reports.find(r => r.name === name);

    // [1] A two-level summary: a second-level group drills into its own records.
    const accounts = byName('Accounts by industry and region');
    check(!!accounts, 'the demo has the two-level summary');
    s = await click(page, 'reports.row.' + accounts.id, st => rep(st).mode === 'view' && rep(st).shown === accounts.id &&
      (result(st).groups || []).length > 0, 'the two-level summary');
    const inner = result(s).groups.filter(g => g.depth === 2).sort((a, b) => b.records - a.records)[0];
    check(!!inner, `a second-level group (${inner && inner.label}, ${inner && inner.records} records)`);
    const parent = result(s).groups.find(g => g.node === inner.parent);
    s = await click(page, 'report.drill.' + inner.node, st => drill(st) && drill(st).row_node === inner.node,
      'the records of a second-level group');
    check(drill(s).record_count === inner.records && drill(s).rows === inner.records,
      `the drill lists the group's ${inner.records} records (${drill(s).rows})`);
    check(drill(s).label === `${parent.label} › ${inner.label}`, `the drill names its path (${drill(s).label})`);
    const core = await crm(page, { cmd: 'reports.run', as: 'admin', args: { id: accounts.id, drill: [
      { field: 'Industry', op: 'row_group:0', value: parent.key },
      { field: 'BillingCountry', op: 'row_group:1', value: inner.key }] } });
    check(core.ok && core.result.rows.length === inner.records, `the core's drill agrees (${core.ok && core.result.rows.length})`);
    await shot(page, 'report_drill_level2.png');
    // The grand total drills into every record.
    s = await click(page, 'report.drill.0', st => drill(st) && drill(st).row_node === 0, 'the records of the grand total');
    check(drill(s).record_count === result(s).record_count, `the grand total lists every record (${drill(s).record_count})`);

    // [2] A matrix: a row and one cell.
    await click(page, 'report.view.back', st => rep(st).mode === 'list', 'the list');
    const matrix = byName('Opportunities by owner and stage');
    s = await click(page, 'reports.row.' + matrix.id, st => rep(st).mode === 'view' && rep(st).shown === matrix.id &&
      (result(st).cells || []).length > 0, 'the matrix');
    const row = result(s).groups.find(g => g.records > 0);
    s = await click(page, 'report.drill.' + row.node, st => drill(st) && drill(st).row_node === row.node && drill(st).col_node === 0,
      'the records of a matrix row');
    check(drill(s).record_count === row.records, `a matrix row lists its ${row.records} records (${drill(s).record_count})`);
    const [r, c, n] = result(s).cells.find(([r, c, n]) => r === row.node && c > 0 && n > 0);
    s = await click(page, `report.cell.${r}.${c}`, st => drill(st) && drill(st).row_node === r && drill(st).col_node === c,
      'the records of one cell');
    const stage = result(s).col_groups.find(g => g.node === c).label;
    check(drill(s).record_count === n, `the cell ${row.label} × ${stage} lists its ${n} records (${drill(s).record_count})`);
    check(drill(s).label === `${row.label} × ${stage}`, `the cell's drill names row and column (${drill(s).label})`);
    await shot(page, 'report_drill_cell.png');

    // [3] The Sales dashboard: drag the second widget onto the first.
    await click(page, 'report.view.back', st => rep(st).mode === 'list', 'the list');
    s = await click(page, 'reports.dashboards', st => rep(st).mode === 'dashboards' && (rep(st).widgets || []).length > 2,
      'the dashboards');
    check(rep(s).dashboard === 'Sales dashboard' && rep(s).can_edit, 'the administrator may move the Sales dashboard');
    const first = order(s);
    const dashboards = await crm(page, { cmd: 'dashboards.list', as: 'admin' });
    const sales = (dashboards.result.dashboards || dashboards.result).find(d => d.name === 'Sales dashboard');
    const moved = [first[1], first[0], ...first.slice(2)];
    for (let attempt = 0; attempt < 3 && !same(order(s), moved); attempt++) {
      await drag(page, 'dashboard.widget.1', 'dashboard.widget.0');
      s = await ui(page);
    }
    s = await waitUi(page, st => same(order(st), moved), 'the dragged widget first');
    check(true, `a widget dragged onto the first takes its place (${order(s).join(', ')})`);
    const stored = await crm(page, { cmd: 'dashboards.get', as: 'admin', args: { id: sales.id } });
    const storedOrder = (stored.result.dashboard || stored.result).components.map(w => w.report_id);
    check(same(storedOrder, moved), `the new order is saved (${storedOrder.join(', ')})`);
    await shot(page, 'report_dashboard_moved.png');

    // [4] The keyboard: select the first widget, Alt+Down moves it back to second place.
    s = await click(page, 'dashboard.widget.0', st => rep(st).selected_widget === 0, 'the first widget selected');
    s = await press(page, 'Alt+ArrowDown', st => same(order(st), first) && rep(st).selected_widget === 1,
      'the widget one place down');
    check(true, 'Alt+Down moves the selected widget one place later');
    // Its Move up arrow, and back down again with the other's arrow.
    s = await click(page, 'dashboard.widget.1.up', st => same(order(st), moved), 'the widget one place up');
    s = await click(page, 'dashboard.widget.0.down', st => same(order(st), first), 'the widget one place down again');
    check(true, 'the arrows move a widget up and down');

    // [5] A rep views the dashboard but may not change it: the move is refused and the order stays.
    const users = await crm(page, { cmd: 'users.list', as: 'admin' });
    const seller = (users.result.users || users.result).find(u => u.profile === 'Sales Representative' && u.active !== false);
    await click(page, 'dashboard.back', st => rep(st).mode === 'list', 'the list');
    await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', { focus: true });
    await type(page, null, seller.username, st => st.items['topbar.user.option.' + seller.username], 'the rep in the menu');
    await click(page, 'topbar.user.option.' + seller.username, st => st.acting_user === seller.username, 'the rep');
    s = await click(page, 'reports.dashboards', st => rep(st).mode === 'dashboards' && (rep(st).widgets || []).length > 2,
      "the rep's dashboards");
    if (rep(s).can_edit) {
      s = await click(page, 'dashboard.widget.1.up', st => rep(st).dashboard_error, 'the refusal');
      check(/Manage Reports|permission|denied|权限/i.test(rep(s).dashboard_error) && same(order(s), first),
        `the rep's move is refused and the order stays (${rep(s).dashboard_error})`);
    } else {
      check(!s.items['dashboard.widget.1.up'], 'the rep has no move arrows');
    }
    const after = await crm(page, { cmd: 'dashboards.get', as: 'admin', args: { id: sales.id } });
    check(same((after.result.dashboard || after.result).components.map(w => w.report_id), first), 'the stored order is unchanged');
    await click(page, 'viewas.return', st => st.acting_user === 'admin', 'back to admin');
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
