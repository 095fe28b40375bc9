// One HTTP request from the page with a time-out (linked with --pre-js, before the senders that use it:
// web/outbox_fetch.js and web/erp_fetch.js). crmFetchWithTimeout(url, init, timeoutMs) sends with fetch,
// aborts through an AbortController after timeoutMs, and settles (never rejects) with
// {status, text, elapsed_ms, reason}: status 0 and a reason when no answer came, the reason naming a
// time-out apart from a network error or a refusal by the peer's CORS rules (a page cannot tell those
// two apart: the browser hides why).
'use strict';
function crmFetchWithTimeout(url, init, timeoutMs) {
  var controller = typeof AbortController === 'function' ? new AbortController() : null;
  var timer = setTimeout(function () { if (controller) controller.abort(); }, timeoutMs);
  var started = Date.now();
  var request = Object.assign({ mode: 'cors', credentials: 'omit', redirect: 'follow' }, init);
  if (controller) request.signal = controller.signal;
  return fetch(url, request).then(function (response) {
    return response.text().then(function (text) {
      clearTimeout(timer);
      return { status: response.status, text: text, elapsed_ms: Date.now() - started, reason: '' };
    });
  }).catch(function (error) {
    clearTimeout(timer);
    var aborted = error && error.name === 'AbortError';
    return { status: 0, text: '', elapsed_ms: Date.now() - started,
             reason: aborted ? 'timed out after ' + timeoutMs + ' ms'
                             : 'network error or refused by the peer\'s CORS rules: ' + (error && error.message) };
  });
}
