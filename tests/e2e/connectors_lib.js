// What the connector tests share (integration_connectors and integration_erp_fetch): the console opened on a
// fresh profile with Account's external-id field ERP_Id__c made through the bridge, and the Connectors tab
// reached through quick find as a person would (Ctrl+K, "连接器", Enter).
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, launch, waitReady, type, press, focusedOn, crm } = require('./lib');

/** The connectors part of the published UI state. */
const conn = st => (st.integrations || {}).connectors || {};

/** A new browser profile `name` on the console at `url`, with ERP_Id__c on Account: {ctx, page}. */
async function openWithErpIdField(name, url) {
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-' + name + '-'));
  const opened = await launch(profile, { width: 1440, height: 900 });
  await opened.page.goto(url);
  await waitReady(opened.page);
  const field = await crm(opened.page, { cmd: 'fields.create', args: { object: 'Account',
    field: { api_name: 'ERP_Id__c', label: 'ERP Id', type: 'text' } } });
  check(field.ok, `the external-id field is made through the bridge (${JSON.stringify(field.error || '')})`);
  return opened;
}

/** Quick find to the Connectors tab; `expect(state)` adds what the tab must show. Answers the state. */
async function connectorsByQuickFind(page, expect = () => true) {
  await press(page, 'Control+K', focusedOn('topbar.quickfind'), 'the quick find box focused', { focus: true });
  await type(page, null, '连接器', st => st.quickfind && st.quickfind.query === '连接器' &&
    st.quickfind.results.includes('integrations.connectors'), 'quick find to list the connectors tab');
  return press(page, 'Enter', st => st.page === 'integrations' && (st.integrations || {}).tab === 'connectors' &&
    expect(st), 'the connectors tab');
}

module.exports = { conn, openWithErpIdField, connectorsByQuickFind };
