// The check-in tablet: clear the search after a check-in, hold the poll while someone works.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  // The idle lock is app.js's, on every page; here the last touch holds back the board's poll.
  var lastTouch = 0;
  ["pointerdown", "keydown", "input", "touchstart", "scroll"].forEach(function (name) {
    document.addEventListener(name, function () { lastTouch = Date.now(); }, { passive: true });
  });
  // After a check-in from the results, empty the search box for the next person.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    var retargeted = event.detail.xhr && event.detail.xhr.getResponseHeader("HX-Retarget");
    // A question about similar people is put where the results are: keep the search then.
    if (event.detail.successful && retargeted !== "#search-results" && source && source.closest && source.closest("[data-clear-search]")) {
      var box = document.getElementById("q");
      var results = document.getElementById("search-results");
      // Cleared and blurred: the on-screen keyboard goes away; one tap on the box brings it back.
      if (box) { box.value = ""; box.blur(); }
      if (results) { results.innerHTML = ""; }
    }
  });
  // The board's poll waits while someone is using it: a reason list open, a box ticked or a note
  // being typed, or a touch in the last few seconds. Replacing the board then would undo their work;
  // the next poll comes soon enough.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var board = event.detail.elt;
    if (!board || board.id !== "board") { return; }
    var typing = board.contains(document.activeElement) && document.activeElement.matches("input, textarea");
    var busy = board.querySelector("details[open], input[type=checkbox]:checked") || typing;
    if (busy || Date.now() - lastTouch < 4000) { event.preventDefault(); }
  });
  // "Not yet assessed": show only the rows without a readiness, and keep that choice when the
  // board is replaced (a poll, a readiness tap).
  var onlyUnassessed = false;
  function applyFilter() {
    var board = document.getElementById("board");
    var button = document.getElementById("board-filter");
    if (board) { board.classList.toggle("only-unassessed", onlyUnassessed); }
    if (button) { button.setAttribute("aria-pressed", onlyUnassessed ? "true" : "false"); }
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#board-filter")) {
      onlyUnassessed = !onlyUnassessed;
      applyFilter();
    }
  });
  document.body.addEventListener("htmx:afterSettle", applyFilter);
  // A new arrival's row was put on top of the board: the counts follow, the old highlight goes,
  // and the "nobody has arrived yet" line is gone.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list || list.id !== "board-list") { return; }
    var rows = list.querySelectorAll(".board-row");
    var empty = list.querySelector(".empty");
    if (empty) { empty.remove(); }
    for (var i = 1; i < rows.length; i += 1) { rows[i].classList.remove("highlight"); }
    var count = document.getElementById("board-count");
    if (count) { count.textContent = String(rows.length); }
    var unassessed = document.getElementById("board-unassessed");
    if (unassessed) { unassessed.textContent = String(list.querySelectorAll('.board-row[data-readiness="unknown"]').length); }
    if (rows[0]) { rows[0].scrollIntoView({ block: "nearest" }); }
  });
  // A 400 answer still carries the board with its error line: show it.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
})();
