// The pop-up channel outside the page (linked with --pre-js): while the tab is in the background (where
// the console does not draw, so its toast cannot show), every few seconds the page reads the signed-in
// user's unread notifications through the command bridge, and each new one that pops up (its pop-up
// channel on, or a workflow notice: the same rule as the top bar's toast, ui/workflow/notification_bell.h)
// becomes a system notification, when the user allowed notifications for this site. A click on it brings
// the tab forward. Nothing is asked: the permission is the browser's; without it the toast shows when the
// user comes back.
//
// The permission is asked for only from My preferences (ui/notify/prefs_panel.cpp), which shows it and
// offers a button while it is not decided: permission() and requestPermission() below are what
// web/platform_web.cpp calls; the browser's answer (or a change in its site settings) wakes the console.
//
// window.crmPopups -> {shown, last, checkNow(), permission(), requestPermission()} (tests; checkNow reads
// the inbox whether hidden or not).
'use strict';
(function () {
  if (typeof window === 'undefined') return;
  var CHECK_MS = 3000;
  var newest = -1;  // the newest notification id already handled (-1: not read yet)
  var state = { shown: 0, last: '' };
  window.crmPopups = state;

  function unread() {
    if (typeof window.crm !== 'function') return null;
    try {
      var a = JSON.parse(window.crm(JSON.stringify({ cmd: 'notifications.inbox.list',
                                                     args: { unread_only: true, limit: 20 } })));
      return a && a.ok ? a.result.notifications : null;
    } catch (e) {
      return null;
    }
  }

  function check() {
    var items = unread();
    if (!items) return;
    var top = items.reduce(function (m, n) { return Math.max(m, n.id); }, newest < 0 ? 0 : newest);
    var hidden = document.visibilityState === 'hidden';
    var allowed = typeof Notification === 'function' && Notification.permission === 'granted';
    if (newest >= 0 && hidden && allowed) {
      items.filter(function (n) { return n.id > newest && (n.popup || !n.type); }).reverse()
        .forEach(function (n) {
          try {
            var shown = new Notification(n.title, { body: n.body || '', tag: 'crm-' + n.id });
            shown.onclick = function () { window.focus(); shown.close(); };
            state.shown++;
            state.last = n.title;
          } catch (e) {
            // Some browsers only allow notifications from a service worker: the toast still shows.
          }
        });
    }
    newest = top;  // seen in the page (the toast) or shown above
  }
  state.checkNow = check;

  // 'granted', 'denied', 'default' (not asked yet) or 'unsupported'.
  state.permission = function () {
    if (typeof Notification !== 'function') return 'unsupported';
    return Notification.permission || 'default';
  };
  function wake() {
    try {
      Module.ccall('crm_web_wake', null, [], []);
    } catch (e) {
      // not started yet: the first frame reads the permission anyway
    }
  }
  state.requestPermission = function () {
    if (typeof Notification !== 'function' || !Notification.requestPermission) return;
    try {
      var asked = Notification.requestPermission(wake);  // older browsers answer through the callback
      if (asked && typeof asked.then === 'function') asked.then(wake, wake);
    } catch (e) {
      wake();
    }
  };
  // A change in the browser's site settings (or a test granting it) shows without a click.
  try {
    if (navigator.permissions && navigator.permissions.query) {
      navigator.permissions.query({ name: 'notifications' }).then(function (status) {
        status.onchange = wake;
      }, function () {});
    }
  } catch (e) {
    // no Permissions API: the state shows at the next frame
  }
  // Only while hidden (a bridge call wakes the console, which must idle when nothing changes): the first
  // check after the tab is hidden notes what the toasts already showed.
  setInterval(function () { if (document.visibilityState === 'hidden') check(); }, CHECK_MS);
  document.addEventListener('visibilitychange', function () {
    newest = -1;
    if (document.visibilityState === 'hidden') check();
  });
})();
