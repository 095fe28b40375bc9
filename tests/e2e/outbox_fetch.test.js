// The page delivers the outbox with fetch: an SMS gateway on 127.0.0.1 (tests/net/http_peer.py, started and
// stopped here) answers 500, then 200; the page's sender (web/outbox_fetch.js) claims the message, tries it,
// reports the failure, tries it again after its back-off and reports it sent; the gateway got it twice, the
// second answered. Email over SMTP is not sent from a page: it waits, marked as needing the mail relay.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, crm, startPeer, peerRequests, done } = require('./lib');

const requests = peerRequests;
const drain = page => page.evaluate(() => window.crmOutbox.drainNow());

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const server = await serve();
  const peer = await startPeer('outbox_fetch_peer', '500');
  let ctx;
  try {
    const profile = fs.mkdtempSync(path.join(OUT, 'profile-outbox-'));
    let page;
    ({ ctx, page } = await launch(profile));
    await ctx.addInitScript(() => { window.crmOutboxEnabled = false; });  // the test drains by hand
    await page.goto(server.url);
    await waitReady(page);
    check(await page.evaluate(() => !!window.crmOutbox && typeof window.crmOutbox.drainNow === 'function'),
      'the page has the outbox sender');
    const set = await crm(page, { cmd: 'notify.channels.set', args: { channel: 'sms', settings: {
      url: `http://127.0.0.1:${peer.port}/sms`, auth_header: 'Bearer gw', backoff_ms: 0, timeout_ms: 5000 } } });
    check(set.ok && set.result.settings.auth_header_set === true && !JSON.stringify(set).includes('Bearer gw'),
      'the gateway is set; its authorization is shown as set, never its value');
    const test = await crm(page, { cmd: 'notify.channels.test', args: { channel: 'sms', to: '+8613800138000' } });
    check(test.ok && test.result.queued > 0, 'without a native transport the test message is queued for the page');
    const id = test.result.queued;
    const first = await drain(page);
    check(first.claimed === 1 && first.failed === 1, 'the first try is answered 500 and reported as failed');
    let got = await crm(page, { cmd: 'notify.outbox.get', args: { id } });
    check(got.result.message.state === 'failed' && got.result.log[0].reason === 'HTTP 500', 'the outbox says why');
    const second = await drain(page);
    check(second.sent === 1, 'the retry is sent');
    got = await crm(page, { cmd: 'notify.outbox.get', args: { id } });
    check(got.result.message.state === 'sent' && got.result.log.length === 2, 'sent, with two tries in the log');
    const seen = requests(peer.log);
    check(seen.length === 2 && JSON.parse(seen[1].body).to === '+8613800138000' &&
      seen[1].headers.Authorization === 'Bearer gw', 'the gateway received the SMS with its authorization');
    check((await drain(page)).claimed === 0 && requests(peer.log).length === 2, 'a sent message is not sent again');
    // Email over SMTP waits for a program that speaks SMTP, and says why.
    const mail = await crm(page, { cmd: 'notify.channels.test', args: { channel: 'email', to: 'ann@example.com' } });
    check((await drain(page)).claimed === 0, 'the page does not claim email over SMTP');
    got = await crm(page, { cmd: 'notify.outbox.get', args: { id: mail.result.queued } });
    check(got.result.message.state === 'queued' && got.result.message.last_reason === 'needs the mail relay in the browser',
      'the email waits, marked as needing the mail relay in the browser');
    done();
  } finally {
    if (ctx) await ctx.close();
    peer.stop();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
