// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  // The kiosk principle: locking the tablet or logging out leaves no list of people and no copy of
  // the board on it (checkin-offline.js keeps them for the offline board; the lock screen and the
  // login page say so too, for a lock the server made).
  function clearTablet() {
    try { localStorage.removeItem("dagsverket.offline.people"); } catch (error) { /* storage off */ }
    if (window.caches) {
      caches.keys().then(function (names) {
        names.forEach(function (name) { if (name.indexOf("dagsverket-board") === 0) { caches.delete(name); } });
      });
    }
  }
  if (document.body.hasAttribute("data-tablet-clear")) { clearTablet(); }
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute && (event.target.getAttribute("action") || "");
    if (/\/(checkin\/lock|logout)\/$/.test(action)) { clearTablet(); }
  }, true);
  // A session that may use the shared tablet locks itself after the site's idle time, on every
  // page it shows (the body carries the minutes; the topbar carries the lock form).
  var minutes = parseFloat(document.body.getAttribute("data-idle-lock-minutes"));
  var form = document.getElementById("idle-lock-form");
  if (!minutes || !form) { return; }
  var timer = null;
  function reset() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () {
      // The offline board keeps the lock itself until the connection is back (checkin-offline.js).
      var asked = new CustomEvent("dagsverket:idle-lock", { cancelable: true });
      if (document.dispatchEvent(asked)) { clearTablet(); form.submit(); }
    }, minutes * 60 * 1000);
  }
  ["pointerdown", "keydown", "input", "touchstart", "scroll"].forEach(function (name) {
    document.addEventListener(name, reset, { passive: true });
  });
  reset();
})();
