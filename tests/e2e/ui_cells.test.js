// A table cell whose text is wider than its column is cut with "..." and shows the whole text in a
// tooltip on hover (ui/kit/widgets.h CellText): a user with a very long email address on the Users page
// at 1024x640; the cell is listed in window.__crm_ui.clipped with the text it shows, and resting the
// mouse on it publishes the tooltip's text. Then the audit trail in Chinese: every area and action of the
// demo company's entries has its label, and its times are the company's wall times under a heading naming
// the zone, and its From / To days are the company's days.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, crm, done } = require('./lib');

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-cells-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1024, height: 640 });
  try {
    await page.goto(server.url);
    await waitReady(page);
    const email = 'aaaa.very.long.mailbox.name.for.testing.ellipsis@a-company-with-a-long-domain.example.com';
    const r = await crm(page, { cmd: 'users.create', as: 'admin', args: { username: 'aaa.long',
      full_name: 'AAA Long Address', email, profile: 'Read Only' } });
    check(r.ok, `a user with a ${email.length}-character email address (${r.ok ? 'created' : JSON.stringify(r.error)})`);
    const cut = st => (st.clipped || []).find(c => c.text === email);
    let s = await click(page, 'nav.users', st => st.page === 'users' && !!cut(st), 'the users with the long address');
    const cell = cut(s);
    check(cell.shown.endsWith('...') && cell.shown.length < email.length && email.startsWith(cell.shown.slice(0, -3)),
      `the cell shows the address cut to its column: "${cell.shown}"`);
    const [x, y, w, h] = cell.rect;
    s = null;
    for (let attempt = 0; attempt < 5 && !s; ++attempt) {
      await page.mouse.move(x + w / 2, y + h / 2);
      s = await waitUi(page, st => (st.form || {})['cell.tooltip'] === email, 'the tooltip', 5000).catch(() => null);
      if (!s) await page.mouse.move(x + w / 2 + 1, y + h / 2 + 1);
    }
    check(!!s, 'resting the mouse on the cut cell shows the whole address in a tooltip');
    await page.screenshot({ path: path.join(OUT, 'ui_cells_tooltip.png') });

    // The audit trail names every area and action of the demo company's entries in the console's
    // language, never by the core's code ("notify", "prefs.frequency").
    s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'Chinese');
    s = await click(page, 'nav.audit', st => st.page === 'audit' && ((st.form || {})['audit.rows'] || []).length > 0,
      'the audit trail');
    const rows = s.form['audit.rows'];
    const raw = rows.filter(r => r.area_label === r.area || r.action_label === r.action);
    check(raw.length === 0, `${rows.length} audit rows, each area and action in Chinese` +
      (raw.length ? ` (not: ${raw.slice(0, 5).map(r => r.area + '/' + r.action).join(', ')})` : ''));
    // Its times are the company's wall times, and the heading names the zone (never "UTC" over them).
    const zone = (await crm(page, { cmd: 'company.get', as: 'admin' })).result.time_zone;
    check(s.form['audit.time_heading'] === `时间（${zone}）`, `the time column is headed with the zone (${s.form['audit.time_heading']})`);
    const first = s.form['audit.rows'][0];
    const entry = (await crm(page, { cmd: 'audit.list', as: 'admin', args: { limit: 50 } })).result.entries
      .find(e => e.id === first.id);
    const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(entry.at_ms));
    check(first.at === wall, `entry ${entry.id} at ${entry.at} (UTC) shows ${first.at}, in ${zone} ${wall}`);
    // And the From / To days are the company's days: the day shown on the newest entry finds it.
    const day = first.at.slice(0, 10);
    await type(page, 'audit.filter.from', day, st => (st.form || {})['audit.filter.from'] === day, 'the From day');
    s = await type(page, 'audit.filter.to', day, st => (st.form || {})['audit.filter.to'] === day &&
      ((st.form || {})['audit.rows'] || []).some(r => r.id === first.id), `entry ${first.id} on ${day}`);
    check(s.form['audit.rows'].every(r => r.at.slice(0, 10) === day), `every row listed for ${day} is of that day`);
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
