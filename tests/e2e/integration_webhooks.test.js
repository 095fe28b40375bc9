// Integrations > Webhooks. Quick find reaches the tab. A subscription to a local HTTP peer (tests/net/http_peer.py,
// started and stopped here; it answers the CORS preflight) is made in the editor: a too-short secret is
// refused with the error beside the secret; then it saves, the secret shown only as set (never in the test
// snapshot). A record saved through the bridge queues a signed event; the page's outbox sender (drained by
// hand here) posts it to the peer, whose copy carries an X-CRM-Signature that verifies with the secret, and
// the tab's delivery log lists it as sent. "Send test" reaches the peer too; delete asks first.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, press, focusedOn, crm, startPeer, peerRequests,
  done } = require('./lib');

const hooks = st => (st.integrations || {}).webhooks || {};
const NAME = 'E2E hook ' + Date.now().toString(36);
const SECRET = 'e2e-shared-secret-' + crypto.randomBytes(8).toString('hex');
const subOf = st => (hooks(st).webhooks || []).find(w => w.name === NAME);
const drain = page => page.evaluate(() => window.crmOutbox.drainNow());
const form = (st, id) => (st.form || {})[id];

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const server = await serve();
  const peer = await startPeer('integration_webhooks_peer');
  let ctx;
  try {
    const profile = fs.mkdtempSync(path.join(OUT, 'profile-integration-webhooks-'));
    let page;
    ({ ctx, page } = await launch(profile, { width: 1440, height: 900 }));
    await ctx.addInitScript(() => { window.crmOutboxEnabled = false; });  // the test drains by hand
    await page.goto(server.url);
    await waitReady(page);

    // [1] Quick find: Ctrl+K, "网络钩子" (webhook), Enter opens the tab.
    await press(page, 'Control+K', focusedOn('topbar.quickfind'), 'the quick find box focused', { focus: true });
    let s = await type(page, null, '网络钩子', st => st.quickfind && st.quickfind.query === '网络钩子' &&
      st.quickfind.results.includes('integrations.webhooks'), 'quick find to list the webhooks tab');
    check(s.quickfind.results[0] === 'integrations.webhooks', 'quick find ranks the webhooks tab first for 网络钩子');
    s = await press(page, 'Enter', st => st.page === 'integrations' && (st.integrations || {}).tab === 'webhooks',
      'the webhooks tab');
    check(!hooks(s).load_error, `the subscriptions are listed (${hooks(s).load_error || 'ok'})`);

    // [2] The editor: name, object, URL, a secret too short, then a good one.
    s = await click(page, 'integrations.webhooks.new', st => hooks(st).editing === true, 'the editor');
    await type(page, 'integrations.webhooks.name', NAME, st => form(st, 'integrations.webhooks.name') === NAME,
      'the name typed');
    s = await click(page, 'integrations.webhooks.object',
      st => !!(st.items || {})['integrations.webhooks.object.option.Account'], 'the object list');
    s = await click(page, 'integrations.webhooks.object.option.Account',
      st => form(st, 'integrations.webhooks.object') === 'Account', 'Account chosen');
    const url = `http://127.0.0.1:${peer.port}/crm-hook`;
    await type(page, 'integrations.webhooks.url', url, st => form(st, 'integrations.webhooks.url') === url,
      'the URL typed');
    await type(page, 'integrations.webhooks.secret', 'short', st => hooks(st).secret_typed === 5,
      'a short secret typed');
    s = await click(page, 'integrations.webhooks.save', st => !!(hooks(st).errors || {}).secret || !!subOf(st),
      'the save answered');
    check(!subOf(s) && !!hooks(s).errors.secret, `a short secret is refused beside the secret (${hooks(s).errors.secret})`);
    check(!!(s.items || {})['integrations.webhooks.error.secret.error'] || !!(s.errors || {})['integrations.webhooks.error.secret'],
      'the error is drawn beside the secret field');
    await type(page, 'integrations.webhooks.secret', SECRET, st => hooks(st).secret_typed === SECRET.length,
      'the secret typed');
    s = await click(page, 'integrations.webhooks.save', st => !!subOf(st) || Object.keys(hooks(st).errors || {}).length > 0,
      'the subscription saved');
    check(!!subOf(s), `the subscription is saved (${JSON.stringify(hooks(s).errors)})`);
    const sub = subOf(s);
    check(sub.object === 'Account' && sub.url === url && sub.run_as === 'admin' && sub.secret_set === true &&
      sub.events.join() === 'created,updated', 'listed: Account, created and updated, as admin, the secret set');
    check(hooks(s).selected === sub.id && hooks(s).secret_typed === 0 && hooks(s).secret_set,
      'the editor shows the saved one, its secret only as set');
    check(!JSON.stringify(s).includes(SECRET), 'the secret is nowhere in the test snapshot');
    const got = await crm(page, { cmd: 'webhooks.get', args: { id: sub.id } });
    check(got.ok && !JSON.stringify(got).includes(SECRET), 'webhooks.get does not answer the secret');
    await page.screenshot({ path: path.join(OUT, 'integration_webhooks_saved.png') });

    // [3] A record saved: the page posts the signed event to the peer; the log lists it as sent.
    const made = await crm(page, { cmd: 'records.create', args: { object: 'Account', values: { Name: 'Webhook Works Ltd' } } });
    check(made.ok, 'a record is saved through the bridge');
    const sent = await drain(page);
    check(sent.sent >= 1 && sent.failed === 0, `the page sends the event (${JSON.stringify(sent)})`);
    let seen = peerRequests(peer.log).filter(r => r.method === 'POST');
    const event = seen.map(r => ({ r, body: JSON.parse(r.body) })).find(x => x.body.event === 'record.created' &&
      x.body.record && x.body.record.Name === 'Webhook Works Ltd');
    check(!!event, 'the peer received the record.created event with the record');
    const headers = Object.fromEntries(Object.entries(event.r.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const want = 'sha256=' + crypto.createHmac('sha256', SECRET).update(Buffer.from(event.r.body, 'utf8')).digest('hex');
    check(headers['x-crm-signature'] === want, 'X-CRM-Signature is the HMAC-SHA256 of the body with the secret');
    check(headers['x-crm-event-id'] === event.body.event_id && headers['x-crm-webhook'] === NAME,
      'the event id and the subscription name travel in the headers');
    check(!fs.readFileSync(peer.log, 'utf8').includes(SECRET), 'the secret never travels');
    s = await click(page, 'integrations.webhooks.log_refresh',
      st => (hooks(st).deliveries || []).some(d => d.event === 'record.created' && d.state === 'sent'),
      'the delivery log to list the event as sent');
    const logged = hooks(s).deliveries.find(d => d.event === 'record.created');
    check(logged.attempts === 1 && logged.status === 200, 'the log shows one try, answered 200');
    await page.screenshot({ path: path.join(OUT, 'integration_webhooks_log.png') });

    // [4] Send test: a signed webhook.test event reaches the peer and the log.
    s = await click(page, 'integrations.webhooks.test', st => /test/i.test(hooks(st).message || '') &&
      !hooks(st).message_error, 'the test queued');
    check((await drain(page)).sent === 1, 'the page sends the test event');
    seen = peerRequests(peer.log).filter(r => r.method === 'POST');
    const test = JSON.parse(seen[seen.length - 1].body);
    check(test.event === 'webhook.test', 'the peer received the test event');
    s = await click(page, 'integrations.webhooks.log_refresh',
      st => (hooks(st).deliveries || []).some(d => d.event === 'webhook.test' && d.state === 'sent'),
      'the log to list the test as sent');

    // [5] Delete asks first.
    s = await click(page, 'integrations.webhooks.delete', st => !!(st.items || {})['integrations.webhooks.confirm.ok'],
      'the confirmation');
    check(!!subOf(s), 'asking changes nothing');
    s = await click(page, 'integrations.webhooks.confirm.ok', st => !subOf(st), 'the subscription deleted');
    check(!hooks(s).editing && !hooks(s).message_error, `deleted (${hooks(s).message})`);
    const listed = await crm(page, { cmd: 'webhooks.list', args: {} });
    check(listed.ok && !listed.result.webhooks.some(w => w.name === NAME), 'webhooks.list no longer has it');
    done();
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    peer.stop();
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
