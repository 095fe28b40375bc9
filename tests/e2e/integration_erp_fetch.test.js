// Integrations > Connectors in the browser: a run goes to the ERP through the page's fetch (web/erp_fetch.js),
// one request at a time. The stand-in ERP (tests/net/erp_standin.py, started and stopped here on 127.0.0.1, with
// an API key and CORS) holds three customers; a connector (made through the bridge, both ways, the key in a
// header, so every request is preflighted) is opened in the tab and "Run now" pulls them into Accounts and
// pushes an Account made in the CRM, which the stand-in then holds. The tab shows the run going and its end; the
// page explains the ERP's CORS rules. Bad cases: the ERP answers 500 (the run is logged failed with the status,
// the new customer is not pulled and the cursor stays), and the ERP is unreachable (failed with the reason).
// A push the ERP answers 500 for is listed and retried from the tab (first while the ERP still fails: it stays
// open with the reason; then through); a conflict held for review is resolved by taking the CRM's side (first
// refused by the ERP: it stays open with the reason; then sent, and the stand-in holds the CRM's values).
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, waitUi, ui, frames, scrollTo, click, crm, startErp, done } = require('./lib');
const { conn, openWithErpIdField, connectorsByQuickFind } = require('./connectors_lib');

const NAME = 'E2E fetch ERP ' + Date.now().toString(36);
const KEY = 'e2e-erp-key-' + Date.now().toString(36);
const H = 'integrations.connectors.';
const RUN_MS = 30000;

/** The connector's latest run once it has ended (polled through the bridge, bounded in time). */
async function finishedRun(page, id) {
  const t0 = Date.now();
  for (let i = 0; i < 300 && Date.now() - t0 < RUN_MS; i++) {
    const log = await crm(page, { cmd: 'connectors.log', args: { id, limit: 1 } });
    const run = log.ok && log.result.runs[0];
    if (run && run.state !== 'running') return run;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('the run did not end within ' + RUN_MS + ' ms');
}

/**
 * Brings the item `id` of the log or conflicts card on screen: a table below the page's fold is not drawn (so its
 * rows are neither on screen nor listed offscreen), so the page is scrolled down until they are.
 */
async function reveal(page, id) {
  for (let i = 0; i < 60; i++) {
    const s = await ui(page);
    if (s.items && s.items[id]) return s;
    if (s.offscreen && s.offscreen[id]) return scrollTo(page, id);
    const vp = page.viewportSize();
    await page.mouse.move(284, vp.height * 0.5);  // the page's own margin, off any table
    await page.mouse.wheel(0, 120);
    await frames(page, 2);
  }
  throw new Error('item ' + id + ' did not come on screen');
}

/** The Accounts whose names start with "ERP " or "Pushed ", by name. */
async function accounts(page) {
  const list = await crm(page, { cmd: 'records.list', args: { object: 'Account', columns: ['Name', 'ERP_Id__c'],
    filter_formula: 'OR(BEGINS(Name, "ERP "), BEGINS(Name, "Pushed "))', sort_field: 'Name', limit: 100 } });
  check(list.ok, `records.list answers (${JSON.stringify(list.error || '')})`);
  return list.result.rows;
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const server = await serve();
  const erp = await startErp('integration_erp_fetch_erp', ['--key', KEY]);
  let ctx;
  try {
    for (const name of ['ERP Alpha', 'ERP Beta', 'ERP Gamma']) {
      const made = await erp.call('POST', '/customers', { name });
      check(made.status === 201, `the stand-in holds ${name}`);
    }
    let page;
    ({ ctx, page } = await openWithErpIdField('integration-erp-fetch', server.url));
    const pushed = await crm(page, { cmd: 'records.create', args: { object: 'Account', values: { Name: 'Pushed From Browser' } } });
    check(pushed.ok, 'an Account to push is made in the CRM');
    const saved = await crm(page, { cmd: 'connectors.save', args: { values: {
      name: NAME, base_url: `http://127.0.0.1:${erp.port}`, auth: 'api_key', auth_header: 'X-Api-Key', secret: KEY,
      page_size: 2,
      entities: [{ name: 'customers', path: 'customers', object: 'Account', external_id_field: 'ERP_Id__c',
        direction: 'both', conflict: 'erp_wins', fields: [{ erp: 'name', crm: 'Name' }] }] } } });
    check(saved.ok, `the connector is saved (${JSON.stringify(saved.error || '')})`);
    const id = saved.result.connector.id;

    // [1] The tab: runs are possible here, and the page says what the ERP must allow.
    let s = await connectorsByQuickFind(page, st => (conn(st).connectors || []).some(c => c.name === NAME));
    check(conn(s).can_run === true && !conn(s).run_reason, 'in the browser the tab can run a sync');
    s = await click(page, H + 'row.' + NAME, st => conn(st).selected === id, 'the connector opened');

    // [2] Run now: the page fetches each page and the batch; the tab follows the run to its end.
    s = await click(page, H + 'run', st => conn(st).running === true || (conn(st).runs || []).length > 0, 'the run started');
    s = await waitUi(page, st => conn(st).running === false && (conn(st).runs || []).length > 0 &&
      /Sync done|stopped/.test(conn(st).message || ''), 'the run to end in the tab', RUN_MS);
    // The workspace starts with the demo company's Accounts: they are pushed too, with the one made here.
    check(!conn(s).message_error && /3 created/.test(conn(s).message) && /[1-9]\d* sent/.test(conn(s).message),
      `the tab notes the run's counts (${conn(s).message})`);
    let run = await finishedRun(page, id);
    check(run.state === 'ok' && run.pages === 2 && run.created === 3 && run.pushed >= 1 && run.failed === 0 &&
      run.push_requests === 1, `the run is logged ok: 2 pages, 3 created, pushed in one batch (${JSON.stringify(run)})`);
    let rows = await accounts(page);
    for (const name of ['ERP Alpha', 'ERP Beta', 'ERP Gamma'])
      check(rows.some(r => r.Name === name && r.ERP_Id__c), `${name} is an Account with its ERP id`);
    const mine = rows.find(r => r.Name === 'Pushed From Browser');
    check(mine && mine.ERP_Id__c, `the pushed Account keeps the id the ERP gave it (${mine && mine.ERP_Id__c})`);
    const held = await erp.call('GET', '/customers?page_size=100');
    check(held.body.items.some(r => r.name === 'Pushed From Browser' && r.id === mine.ERP_Id__c),
      'the push reached the stand-in ERP');
    const stats = (await erp.call('GET', '/_stats')).body;
    check(stats.preflight >= 1 && stats.get >= 2 && stats.batch === 1,
      `the browser preflighted, then fetched pages and sent one batch (${JSON.stringify(stats)})`);
    const errors = await page.evaluate(() => window.crmErp.stats);
    check(errors.failed === 0 && errors.inFlight === 0, `no fetch failed, none is left in flight (${JSON.stringify(errors)})`);
    await page.screenshot({ path: path.join(OUT, 'integration_erp_fetch_done.png') });

    // [2b] A push the ERP refuses (500) is listed; retried from the tab while it still fails, it stays open with
    // the new reason; retried once the ERP is back, the page carries the push and the stand-in holds the record.
    const entity = (direction, conflict) => [{ name: 'customers', path: 'customers', object: 'Account',
      external_id_field: 'ERP_Id__c', direction, conflict, fields: [{ erp: 'name', crm: 'Name' }] }];
    check((await crm(page, { cmd: 'connectors.save', args: { id, values: { entities: entity('out', 'erp_wins') } } })).ok,
      'the connector only pushes now');
    check((await crm(page, { cmd: 'records.create', args: { object: 'Account', values: { Name: 'Pushed Retry One' } } })).ok,
      'an Account to push is made');
    check((await erp.call('POST', '/_fail?count=1&status=500')).status === 200, 'the stand-in fails the next request');
    check((await crm(page, { cmd: 'connectors.run', args: { id } })).ok, 'the run starts');
    run = await finishedRun(page, id);
    check(run.state === 'partial' && run.failed === 1, `the refused push is logged (${JSON.stringify(run)})`);
    const log = await crm(page, { cmd: 'connectors.log', args: { id } });
    const pushError = log.result.errors.find(e => e.direction === 'push' && e.state === 'open');
    check(pushError && /500/.test(pushError.message), `the push error is kept with the status (${JSON.stringify(pushError)})`);
    s = await waitUi(page, st => (conn(st).sync_errors || []).some(e => e.id === pushError.id && e.direction === 'push'),
      'the push error listed in the tab');
    check((await erp.call('POST', '/_fail?count=1&status=500')).status === 200, 'the stand-in fails once more');
    await reveal(page, H + 'retry.' + pushError.id);
    s = await click(page, H + 'retry.' + pushError.id, st => conn(st).pushing === true || /retry failed/i.test(conn(st).message || ''),
      'the retry sent from the tab');
    s = await waitUi(page, st => conn(st).pushing === false && /retry failed/i.test(conn(st).message || ''),
      'the failed retry noted in the tab', RUN_MS);
    check(conn(s).message_error === true && /500/.test(conn(s).message), `the tab says why (${conn(s).message})`);
    check((conn(s).sync_errors || []).some(e => e.id === pushError.id), 'the error stays listed');
    let stored = await erp.call('GET', '/customers?page_size=100');
    check(!stored.body.items.some(r => r.name === 'Pushed Retry One'), 'the stand-in does not hold the record yet');
    await reveal(page, H + 'retry.' + pushError.id);
    s = await click(page, H + 'retry.' + pushError.id, st => conn(st).pushing === true || /went through/.test(conn(st).message || ''),
      'the retry sent again from the tab');
    s = await waitUi(page, st => conn(st).pushing === false && /went through/.test(conn(st).message || '') &&
      !(conn(st).sync_errors || []).some(e => e.id === pushError.id), 'the retry to go through', RUN_MS);
    check(!conn(s).message_error, `the tab notes the retry (${conn(s).message})`);
    stored = await erp.call('GET', '/customers?page_size=100');
    const retriedRow = stored.body.items.find(r => r.name === 'Pushed Retry One');
    check(retriedRow, 'the stand-in holds the retried record');
    rows = await accounts(page);
    check(rows.some(r => r.Name === 'Pushed Retry One' && r.ERP_Id__c === String(retriedRow.id)),
      'the Account keeps the id the ERP gave it');
    const retried = (await crm(page, { cmd: 'connectors.log', args: { id, all_errors: true } })).result.errors
      .find(e => e.id === pushError.id);
    check(retried && retried.state === 'retried', 'the error is marked retried');

    // [2c] Both sides change one customer under "hold": the conflict waits; taking the CRM's side while the ERP
    // fails keeps it open with the reason; taking it again resolves it and the stand-in holds the CRM's values.
    check((await crm(page, { cmd: 'connectors.save', args: { id, values: { entities: entity('both', 'hold') } } })).ok,
      'the connector holds conflicts for review');
    rows = await accounts(page);
    const alpha = rows.find(r => r.Name === 'ERP Alpha');
    check((await erp.call('PUT', '/customers/' + encodeURIComponent(alpha.ERP_Id__c), { name: 'ERP Alpha (ERP edit)' })).status === 200,
      'the ERP changes Alpha');
    check((await crm(page, { cmd: 'records.update', args: { object: 'Account', id: alpha.Id,
      values: { Name: 'ERP Alpha (CRM edit)' } } })).ok, 'the CRM changes Alpha');
    check((await crm(page, { cmd: 'connectors.run', args: { id } })).ok, 'the run starts');
    run = await finishedRun(page, id);
    check(run.held === 1, `the run holds the conflict (${JSON.stringify(run)})`);
    const conflict = (await crm(page, { cmd: 'connectors.conflicts', args: { id } })).result.conflicts[0];
    s = await waitUi(page, st => (conn(st).conflicts || []).some(c => c.id === conflict.id), 'the conflict listed in the tab');
    check((await erp.call('POST', '/_fail?count=1&status=500')).status === 200, 'the stand-in fails the next request');
    await reveal(page, H + 'accept_crm.' + conflict.id);
    s = await click(page, H + 'accept_crm.' + conflict.id,
      st => conn(st).pushing === true || /did not take/.test(conn(st).message || ''), 'Accept CRM clicked');
    s = await waitUi(page, st => conn(st).pushing === false && /did not take/.test(conn(st).message || '') &&
      (conn(st).conflicts || []).some(c => c.id === conflict.id && /500/.test(c.error)),
      'the conflict to stay open with the reason', RUN_MS);
    check(conn(s).message_error === true, `the tab says why (${conn(s).message})`);
    stored = await erp.call('GET', '/customers?page_size=100');
    check(stored.body.items.some(r => r.name === 'ERP Alpha (ERP edit)'), 'the stand-in keeps its side');
    await reveal(page, H + 'accept_crm.' + conflict.id);
    s = await click(page, H + 'accept_crm.' + conflict.id,
      st => conn(st).pushing === true || /were sent to the ERP/.test(conn(st).message || ''), 'Accept CRM clicked again');
    s = await waitUi(page, st => conn(st).pushing === false && /were sent to the ERP/.test(conn(st).message || '') &&
      !(conn(st).conflicts || []).some(c => c.id === conflict.id), 'the conflict to be resolved', RUN_MS);
    stored = await erp.call('GET', '/customers?page_size=100');
    check(stored.body.items.some(r => r.name === 'ERP Alpha (CRM edit)' && String(r.id) === alpha.ERP_Id__c),
      'the stand-in holds the CRM\'s values');
    const resolved = (await crm(page, { cmd: 'connectors.conflicts', args: { id, state: 'resolved' } })).result.conflicts;
    check(resolved.some(c => c.id === conflict.id && c.resolution === 'crm' && c.error === ''),
      'the conflict is resolved for the CRM');
    await page.screenshot({ path: path.join(OUT, 'integration_erp_fetch_resolved.png') });

    // [3] The ERP answers 500: the run is logged failed with the status; nothing of it is applied.
    const before = (await crm(page, { cmd: 'connectors.get', args: { id } })).result.connector.entities[0].pull_cursor;
    check((await erp.call('POST', '/customers', { name: 'ERP Delta' })).status === 201, 'a new customer in the ERP');
    check((await erp.call('POST', '/_fail?count=1&status=500')).status === 200, 'the stand-in fails the next request');
    const started = await crm(page, { cmd: 'connectors.run', args: { id } });
    check(started.ok && started.result.run.state === 'running', 'connectors.run starts the run in the browser');
    run = await finishedRun(page, id);
    check(run.state === 'failed' && /500/.test(run.error) && run.created === 0,
      `the run is logged failed with the ERP's status (${run.error})`);
    rows = await accounts(page);
    check(!rows.some(r => r.Name === 'ERP Delta'), 'the new customer is not pulled');
    const after = (await crm(page, { cmd: 'connectors.get', args: { id } })).result.connector.entities[0].pull_cursor;
    check(after === before, 'the pull cursor did not move');

    // [4] The ERP unreachable (nothing listens on port 9): failed with the reason.
    const moved = await crm(page, { cmd: 'connectors.save', args: { id, values: { base_url: 'http://127.0.0.1:9' } } });
    check(moved.ok, 'the connector points at a closed port');
    check((await crm(page, { cmd: 'connectors.run', args: { id } })).ok, 'the run starts');
    run = await finishedRun(page, id);
    check(run.state === 'failed' && /network error|refused/.test(run.error),
      `the unreachable ERP is logged with the reason (${run.error})`);
    check((await page.evaluate(() => window.crmErp.stats)).inFlight === 0, 'no request is left in flight');
    done();
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    erp.stop();
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
