// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  // A session that may use the shared tablet locks itself after the site's idle time, on every
  // page it shows (the body carries the minutes; the topbar carries the lock form).
  var minutes = parseFloat(document.body.getAttribute("data-idle-lock-minutes"));
  var form = document.getElementById("idle-lock-form");
  if (!minutes || !form) { return; }
  var timer = null;
  function reset() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { form.submit(); }, minutes * 60 * 1000);
  }
  ["pointerdown", "keydown", "input", "touchstart", "scroll"].forEach(function (name) {
    document.addEventListener(name, reset, { passive: true });
  });
  reset();
})();
