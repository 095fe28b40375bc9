// Integrations > Connectors. Quick find reaches the tab, which can run syncs in the browser too (through fetch;
// the run itself is integration_erp_fetch.test.js). A connector is made in
// the editor: its entity maps ERP customers to Account through an external-id field (made through the bridge
// first) with one field mapped (name -> Name); a base URL that is not http(s) is refused with the error beside
// the URL and nothing is saved; with a good URL it saves and is listed with its mapping, which connectors.get
// answers too. Delete asks first.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, click, type, crm, done } = require('./lib');
const { conn, openWithErpIdField, connectorsByQuickFind } = require('./connectors_lib');

const NAME = 'E2E ERP ' + Date.now().toString(36);
const mine = st => (conn(st).connectors || []).find(c => c.name === NAME);
const form = (st, id) => (st.form || {})[id];
const H = 'integrations.connectors.';

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const server = await serve();
  let ctx;
  try {
    let page;
    ({ ctx, page } = await openWithErpIdField('integration-connectors', server.url));

    // [1] Quick find: Ctrl+K, "连接器" (connector), Enter opens the tab.
    let s = await connectorsByQuickFind(page);
    check(!conn(s).load_error, `the connectors are listed (${conn(s).load_error || 'ok'})`);
    check(conn(s).can_run === true && !conn(s).run_reason,
      'in the browser the tab can run syncs (through fetch: integration_erp_fetch.test.js)');

    // [2] The editor: a name, a base URL that is not http(s), an entity with its mapping.
    s = await click(page, H + 'new', st => conn(st).editing === true && conn(st).entities === 1, 'the editor');
    check(form(s, H + 'entity.0.object') === 'Account', 'a new connector starts with an entity on Account');
    await type(page, H + 'name', NAME, st => form(st, H + 'name') === NAME, 'the name typed');
    await type(page, H + 'base_url', 'ftp://erp.example.com/api',
      st => form(st, H + 'base_url') === 'ftp://erp.example.com/api', 'the ftp URL typed');
    s = await click(page, H + 'entity.0.external_id',
      st => !!(st.items || {})[H + 'entity.0.external_id.option.ERP_Id__c'], 'the external-id field list');
    s = await click(page, H + 'entity.0.external_id.option.ERP_Id__c',
      st => form(st, H + 'entity.0.external_id') === 'ERP_Id__c', 'ERP_Id__c chosen');
    await type(page, H + 'entity.0.field.0.erp', 'name', st => form(st, H + 'entity.0.field.0.erp') === 'name',
      'the ERP field typed');
    s = await click(page, H + 'entity.0.field.0.crm',
      st => !!(st.items || {})[H + 'entity.0.field.0.crm.option.Name'], 'the CRM field list');
    s = await click(page, H + 'entity.0.field.0.crm.option.Name',
      st => form(st, H + 'entity.0.field.0.crm') === 'Name', 'Name chosen');
    s = await click(page, H + 'save', st => !!(conn(st).errors || {}).base_url || !!mine(st), 'the save answered');
    check(!mine(s) && /http/.test(conn(s).errors.base_url),
      `a non-http(s) URL is refused beside the URL (${conn(s).errors.base_url})`);
    check(!!(s.items || {})[H + 'error.base_url.error'] || !!(s.errors || {})[H + 'error.base_url'],
      'the error is drawn beside the base URL');
    const none = await crm(page, { cmd: 'connectors.list', args: {} });
    check(none.ok && !none.result.connectors.some(c => c.name === NAME), 'nothing was saved');

    // [3] A good URL: saved, listed with its mapping.
    const url = 'http://127.0.0.1:9/erp';
    await type(page, H + 'base_url', url, st => form(st, H + 'base_url') === url, 'the http URL typed');
    s = await click(page, H + 'save', st => !!mine(st) || Object.keys(conn(st).errors || {}).length > 0 &&
      !(conn(st).errors || {}).base_url, 'the connector saved');
    check(!!mine(s), `the connector is saved (${JSON.stringify(conn(s).errors)})`);
    const c = mine(s);
    check(c.base_url === url && c.auth === 'none' && c.entities.length === 1 &&
      c.entities[0].object === 'Account' && c.entities[0].fields.join() === 'name>Name',
      `listed with its entity and mapping (${JSON.stringify(c)})`);
    check(conn(s).selected === c.id && !conn(s).message_error, 'the editor shows the saved connector');
    const got = await crm(page, { cmd: 'connectors.get', args: { id: c.id } });
    const entity = got.ok && got.result.connector.entities[0];
    check(entity && entity.external_id_field === 'ERP_Id__c' && entity.fields[0].erp === 'name' &&
      entity.fields[0].crm === 'Name', 'connectors.get answers the mapping');
    check(conn(s).runs.length === 0 && conn(s).conflicts.length === 0, 'no runs and no conflicts yet');
    await page.screenshot({ path: path.join(OUT, 'integration_connectors_saved.png') });

    // [4] Delete asks first.
    s = await click(page, H + 'delete', st => !!(st.items || {})[H + 'confirm.ok'], 'the confirmation');
    check(!!mine(s), 'asking changes nothing');
    s = await click(page, H + 'confirm.ok', st => !mine(st), 'the connector deleted');
    check(!conn(s).editing && !conn(s).message_error, `deleted (${conn(s).message})`);
    done();
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
