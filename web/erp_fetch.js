// The browser's way to an ERP (linked with --pre-js): the ERP connectors' runs are sessions in the core
// (core/integration/connector.h SyncSession) that hand out one HTTP request at a time. web/erp_web.cpp
// calls Module.crmErp.send(session, request) for each; this sends it (web/fetch_timeout.js) and hands the answer back (crm_web_erp_body, crm_web_erp_answer), so the run goes on
// to its next request or ends. Nothing blocks the page: no synchronous XHR, no Asyncify.
//
// The ERP must allow the page's origin (CORS): Access-Control-Allow-Origin for the page's origin (or *),
// and for the preflight Access-Control-Allow-Methods: GET, POST, PUT and Access-Control-Allow-Headers:
// Content-Type, Accept and the connector's key header (X-Api-Key...) or Authorization for basic sign-in.
//
// window.crmErp.stats: {sent, answered, failed, inFlight, lastError} (tests, diagnostics).
'use strict';
(function () {
  var stats = { sent: 0, answered: 0, failed: 0, inFlight: 0, lastError: '' };

  function deliver(session, status, body, error) {
    stats.inFlight--;
    if (!Module.calledRun) return;  // the page is going away
    var bytes = lengthBytesUTF8(body);
    var at = Module.ccall('crm_web_erp_body', 'number', ['number', 'number'], [session, bytes]);
    if (at) stringToUTF8(body, at, bytes + 1);
    Module.ccall('crm_web_erp_answer', null, ['number', 'number', 'string'], [session, status, error]);
  }

  function send(session, requestJson) {
    var request = JSON.parse(requestJson);
    var headers = {};
    (request.headers || []).forEach(function (h) { headers[h[0]] = h[1]; });
    var init = { method: request.method || 'GET', headers: headers, cache: 'no-store' };
    if (request.body) init.body = request.body;
    stats.sent++;
    stats.inFlight++;
    crmFetchWithTimeout(request.url, init, Math.max(100, request.timeout_ms || 30000)).then(function (answer) {
      if (answer.status) {
        stats.answered++;
      } else {
        stats.failed++;
        stats.lastError = answer.reason;
      }
      deliver(session, answer.status, answer.text, answer.reason);
    });
  }

  if (typeof Module !== 'undefined') Module.crmErp = { send: send, stats: stats };
  if (typeof window !== 'undefined') window.crmErp = { stats: stats };
})();
