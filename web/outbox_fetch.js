// The browser's way out of the message outbox (linked with --pre-js). While the console is open, every few
// seconds the page claims due messages through the command bridge (notify.outbox.claim, as the signed-in
// user: one without Manage Notifications is refused and nothing is sent), sends each ready HTTP request (SMS
// gateway, mail relay, webhooks) with a time-out (web/fetch_timeout.js), and reports each outcome
// (notify.outbox.complete). A message whose claim is never reported (the tab closed mid-send) is claimed
// again after its lease, so delivery resumes on the next open. SMTP cannot be spoken from a page: email set
// to SMTP stays queued, marked "needs the mail relay in the browser".
//
// The receiving server must allow the page's origin (CORS): Access-Control-Allow-Origin, and for the
// preflight Access-Control-Allow-Headers: Content-Type, Authorization, Idempotency-Key, X-CRM-Event-Id,
// X-CRM-Signature.
//
// window.crmOutbox.drainNow() -> Promise<{claimed, sent, failed}> drains once (tests, "send now").
'use strict';
(function () {
  var INTERVAL_MS = 5000;
  var BATCH = 10;
  var running = false;
  var stats = { passes: 0, claimed: 0, sent: 0, failed: 0, lastError: '' };

  function bridge(request) {
    if (typeof window === 'undefined' || typeof window.crm !== 'function') return null;
    try {
      return JSON.parse(window.crm(JSON.stringify(request)));
    } catch (e) {
      return null;
    }
  }

  function complete(id, outcome) {
    var args = { id: id, sent: outcome.sent, status: outcome.status, reason: outcome.reason,
                 retryable: outcome.retryable, elapsed_ms: outcome.elapsed_ms };
    var answer = bridge({ cmd: 'notify.outbox.complete', args: args });
    if (!answer || !answer.ok) stats.lastError = answer ? answer.error.message : 'the bridge is not ready';
  }

  function send(request) {
    var init = { method: request.method || 'POST', headers: request.headers || {}, body: request.body,
                 keepalive: false };
    return crmFetchWithTimeout(request.url, init, Math.max(100, request.timeout_ms || 10000)).then(function (answer) {
      var status = answer.status;
      var ok = status >= 200 && status < 300;
      return { sent: ok, status: status, retryable: status === 0 || status === 408 || status === 429 || status >= 500,
               reason: answer.reason || (ok ? '' : 'HTTP ' + status), elapsed_ms: answer.elapsed_ms };
    });
  }

  function drainNow() {
    if (running) return Promise.resolve({ claimed: 0, sent: 0, failed: 0, busy: true });
    var answer = bridge({ cmd: 'notify.outbox.claim', args: { limit: BATCH, browser: true } });
    if (!answer || !answer.ok) {
      if (answer && answer.error) stats.lastError = answer.error.code;
      return Promise.resolve({ claimed: 0, sent: 0, failed: 0 });
    }
    running = true;
    stats.passes++;
    var messages = answer.result.messages || [];
    var pass = { claimed: messages.length, sent: 0, failed: 0 };
    stats.claimed += messages.length;
    var chain = Promise.resolve();
    messages.forEach(function (m) {
      if (!m.request) return;  // nothing the page can send: already recorded with its reason
      chain = chain.then(function () { return send(m.request); }).then(function (outcome) {
        complete(m.id, outcome);
        if (outcome.sent) { pass.sent++; stats.sent++; } else { pass.failed++; stats.failed++; }
      });
    });
    return chain.then(function () { running = false; return pass; },
                      function (e) { running = false; stats.lastError = String(e); return pass; });
  }

  function tick() {
    if (typeof document !== 'undefined' && !window.crmOutboxEnabled) return;
    drainNow();
  }

  if (typeof window !== 'undefined') {
    window.crmOutbox = { drainNow: drainNow, stats: stats };
    if (window.crmOutboxEnabled === undefined) window.crmOutboxEnabled = true;
    setInterval(tick, window.crmOutboxIntervalMs || INTERVAL_MS);
  }
})();
