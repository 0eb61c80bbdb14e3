// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
})();
