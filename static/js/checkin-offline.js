// The check-in board without a connection (issue 21; docs/ARCHITECTURE.md "Offline check-in").
//
// When a request fails, or takes more than a few seconds, the board says it is offline and keeps
// taking taps: check-in, readiness, undo and registering a newcomer go into a queue in localStorage
// (kept across a reload), each with its nonce and the time of the tap. When the connection is back
// the queue goes to the server in one request, in order; the server applies each action once and
// answers each one. What it refused stays in a list on the board until the front desk resolves it.
// The offline search uses a short list of people seen here recently (id, name, the label that tells
// two with the same name apart), fetched while online; app.js clears it on lock and logout.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root || !window.fetch || !window.localStorage || !window.JSON) { return; }
  var data = root.dataset;
  var words = (document.getElementById("offline-words") || root).dataset;
  var QUEUE = "dagsverket.offline.queue";
  var REFUSED = "dagsverket.offline.refused";
  var PEOPLE = "dagsverket.offline.people";
  var SLOW_MS = 4000;  // a request slower than this: the board says it is offline
  var RETRY_MS = 5000;
  var offline = false;
  var sending = false;
  var locallyLocked = false;

  function load(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (error) { return []; }
  }
  function save(key, value) {
    if (value.length) { localStorage.setItem(key, JSON.stringify(value)); } else { localStorage.removeItem(key); }
  }
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, name) { return values[name] === undefined ? all : values[name]; });
  }
  function newNonce() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function hhmm(iso) {
    var date = new Date(iso);
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (error) { return ""; }
  }
  function normalise(text) {
    return String(text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/ø/g, "o").replace(/æ/g, "ae").replace(/å/g, "a");
  }

  // --- the banner ---
  function showBanner() {
    var banner = document.getElementById("offline-banner");
    if (!banner) { return; }
    var count = load(QUEUE).length;
    if (!offline && !count) { banner.hidden = true; document.body.classList.remove("is-offline"); return; }
    banner.hidden = false;
    banner.textContent = fill(sending && !offline ? words.sending : words.offline, { count: count });
    document.body.classList.toggle("is-offline", offline);
  }
  function goOffline() {
    if (!offline) { offline = true; showBanner(); }
  }

  // --- the queue ---
  function enqueue(action) {
    var queue = load(QUEUE);
    action.session = data.session;
    queue.push(action);
    save(QUEUE, queue);
    showLocally(action);
    showBanner();
  }

  function rowFor(action) {
    if (action.visit) { return document.getElementById("visit-" + action.visit); }
    return document.querySelector('.board-row[data-visit-nonce="' + action.visit_nonce + '"]');
  }

  // What a queued action looks like on the board until the server's board replaces it.
  function showLocally(action) {
    var list = document.getElementById("board-list");
    if (!list) { return; }
    if (action.type === "check_in" || action.type === "register") {
      var template = document.getElementById("offline-row");
      if (!template || document.querySelector('.board-row[data-visit-nonce="' + action.nonce + '"]')) { return; }
      var row = template.content.firstElementChild.cloneNode(true);
      row.setAttribute("data-visit-nonce", action.nonce);
      row.querySelector(".time").textContent = hhmm(action.tapped_at);
      row.querySelector(".board-name").textContent = action.label || action.name;
      var empty = list.querySelector(".empty");
      if (empty) { empty.remove(); }
      list.insertBefore(row, list.firstChild);
    } else if (action.type === "readiness") {
      var target = rowFor(action);
      if (!target) { return; }
      target.setAttribute("data-readiness", action.status);
      var badge = target.querySelector(".badge[class*='readiness-']");
      if (badge) { badge.className = "badge readiness-" + action.status; badge.textContent = readinessLabel(action); }
    } else if (action.type === "undo") {
      var undone = rowFor(action);
      if (undone) { undone.remove(); }
    }
    var count = document.getElementById("board-count");
    if (count) { count.textContent = String(list.querySelectorAll(".board-row").length); }
    var unassessed = document.getElementById("board-unassessed");
    if (unassessed) { unassessed.textContent = String(list.querySelectorAll('.board-row[data-readiness="unknown"]').length); }
  }

  // The label of a readiness tap, from the board's own buttons: the queue keeps the reason's
  // number, never its words (a reason for "not today" can be about health).
  function readinessLabel(action) {
    var template = document.getElementById("offline-row");
    var value = action.status + (action.reason ? ":" + action.reason : "");
    var found = template && template.content.querySelector('button[value="' + value + '"]');
    var text = found ? found.textContent.trim() : action.status;
    return action.reason ? words.notToday + ": " + text : text;
  }

  function visitOf(form) {
    var row = form.closest(".board-row");
    var match = /\/visit\/(\d+)\//.exec(form.getAttribute("action") || "");
    if (match) { return { visit: parseInt(match[1], 10), label: row && row.querySelector(".board-name").textContent.trim() }; }
    if (row && row.getAttribute("data-visit-nonce")) {
      return { visit_nonce: row.getAttribute("data-visit-nonce"), label: row.querySelector(".board-name").textContent.trim() };
    }
    return null;
  }

  // A tap as a queued action, from the form it was made on (online forms and offline ones alike).
  function actionFrom(form, submitter, tappedAt) {
    var kind = form.getAttribute("data-offline-form");
    var url = form.getAttribute("action") || "";
    var field = function (name) { var input = form.querySelector('[name="' + name + '"]'); return input ? input.value : ""; };
    var action = { tapped_at: tappedAt || new Date().toISOString() };
    if (kind === "check_in" || /\/checkin\/in\/$/.test(url)) {
      action.type = "check_in";
      action.participant = parseInt(form.getAttribute("data-participant") || field("participant"), 10);
      action.nonce = field("nonce") || newNonce();
      var name = form.querySelector(".result-name");
      action.label = form.getAttribute("data-label") || (name ? name.textContent.trim() : "");
    } else if (kind === "register" || /\/checkin\/new\/$/.test(url)) {
      action.type = "register";
      action.name = form.getAttribute("data-name") || field("name");
      action.label = action.name;
      action.nonce = field("nonce") || newNonce();
      if (form.getAttribute("data-confirm") === "1" || field("confirm_new") === "1") { action.confirm_new = true; }
    } else if (kind === "readiness" || /\/readiness\/$/.test(url)) {
      var target = visitOf(form);
      var choice = submitter && submitter.value;
      if (!target || !choice) { return null; }
      var parts = choice.split(":");
      action.type = "readiness";
      action.status = parts[0];
      if (parts[1]) { action.reason = parseInt(parts[1], 10); }
      action.nonce = newNonce();
      action.visit = target.visit; action.visit_nonce = target.visit_nonce; action.label = target.label;
    } else if (kind === "undo" || /\/undo\/$/.test(url)) {
      var undone = visitOf(form);
      if (!undone) { return null; }
      action.type = "undo";
      action.reason = field("reason");
      action.nonce = newNonce();
      action.visit = undone.visit; action.visit_nonce = undone.visit_nonce; action.label = undone.label;
    } else {
      return null;
    }
    return action;
  }

  function clearSearch() {
    var box = document.getElementById("q");
    var results = document.getElementById("search-results");
    if (box) { box.value = ""; box.blur(); }
    if (results) { results.innerHTML = ""; }
  }

  // Every tap passes here first (capture): its time and button are noted, so a request that fails
  // is queued as it was tapped; while offline the tap goes to the queue and htmx never sees it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!root.contains(form)) { return; }
    form.dataTappedAt = new Date().toISOString();
    form.dataSubmitter = event.submitter;
    if (form.id === "lock-form" && offline) {
      event.preventDefault(); event.stopPropagation();
      lockLocally();
      return;
    }
    if (!offline && !form.hasAttribute("data-offline-form")) { return; }
    var action = actionFrom(form, event.submitter, form.dataTappedAt);
    event.preventDefault();
    event.stopPropagation();
    if (form.matches("form[role=search]")) { searchOffline(); return; }
    if (action) {
      enqueue(action);
      if (action.type === "check_in" || action.type === "register") { clearSearch(); }
      if (!offline) { flush(); }
    }
  }, true);

  // A request that failed: offline, and the tap it carried is queued (its nonce with it, so if it
  // reached the server after all, the repeat is harmless).
  document.body.addEventListener("htmx:sendError", function (event) {
    goOffline();
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && form.matches("form[role=search]")) { searchOffline(); }
    if (form && (event.detail.requestConfig || {}).verb === "post") {
      var action = actionFrom(form, form.dataSubmitter, form.dataTappedAt);
      if (action) {
        enqueue(action);
        if (action.type === "check_in" || action.type === "register") { clearSearch(); }
      }
    }
    scheduleRetry();
  });
  // A slow request: say so at once, and let it finish (its own answer decides, not a retry).
  document.body.addEventListener("htmx:beforeSend", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr) { return; }
    xhr.slowTimer = setTimeout(function () { goOffline(); scheduleRetry(); }, SLOW_MS);
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.slowTimer) { clearTimeout(xhr.slowTimer); }
    if (event.detail.successful && offline && !load(QUEUE).length) { offline = false; showBanner(); }
  });
  // While offline (or while taps wait) the board's poll would replace the rows that wait; the search
  // answers from the list of people seen recently instead of the server.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt) { return; }
    if (elt.id === "board" && (offline || load(QUEUE).length)) { event.preventDefault(); return; }
    if (offline && elt.closest && elt.closest(".checkin-search form[role=search]")) {
      event.preventDefault();
      searchOffline();
    }
  });

  // --- sending the queue ---
  var retryTimer = null;
  function scheduleRetry() {
    if (retryTimer) { return; }
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, RETRY_MS);
  }

  function flush() {
    if (sending) { return; }
    var queue = load(QUEUE);
    sending = true;
    showBanner();
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, 3 * SLOW_MS);
    fetch(data.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ actions: queue.map(forServer) }),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      clearTimeout(timer);
      return response.json().then(function (body) { return { status: response.status, body: body }; }, function () { return { status: response.status, body: null }; });
    }).then(function (answer) {
      sending = false;
      if (answer.status === 423) { window.location.assign(data.boardUrl); return; }  // locked: to the lock screen, the queue stays
      if (answer.status >= 500 || answer.body === null) { goOffline(); scheduleRetry(); return; }
      offline = false;
      if (answer.status === 400 || answer.status === 403) {
        settle(queue, queue.map(function (action) { return { nonce: action.nonce, status: "refused", code: "bad_request", message: words.badRequest }; }));
      } else {
        settle(queue, answer.body.results || []);
      }
      if (answer.status === 401) { window.location.assign(data.boardUrl); return; }  // to the login
      if (load(QUEUE).length) { flush(); return; }  // taps made while this was being sent
      showBanner();
      refreshBoard();
      if (locallyLocked) { lockOnServer(); }
    }, function () {
      clearTimeout(timer);
      sending = false;
      goOffline();
      scheduleRetry();
    });
  }

  function forServer(action) {
    var copy = {};
    ["type", "nonce", "tapped_at", "session", "participant", "name", "confirm_new", "visit", "visit_nonce", "status", "reason"].forEach(function (key) {
      if (action[key] !== undefined && action[key] !== null && action[key] !== "") { copy[key] = action[key]; }
    });
    return copy;
  }

  // The server's answers: what it applied leaves the queue; what it refused (or applied with a
  // warning, such as an exclusion the tablet could not know of) goes to the list to resolve.
  function settle(sent, results) {
    var byNonce = {};
    results.forEach(function (result) { byNonce[result.nonce] = result; });
    var refused = load(REFUSED);
    sent.forEach(function (action) {
      var result = byNonce[action.nonce];
      if (!result) { return; }
      var problem = result.status === "refused" || (result.status === "duplicate" && result.first_status === "refused") || result.code;
      if (problem) {
        refused.push({ action: action, code: result.code, message: result.message || result.code, similar: result.similar || [] });
      }
    });
    var done = {};
    sent.forEach(function (action) { if (byNonce[action.nonce]) { done[action.nonce] = true; } });
    save(QUEUE, load(QUEUE).filter(function (action) { return !done[action.nonce]; }));
    save(REFUSED, refused);
    showRefused();
  }

  function refreshBoard() {
    // The board partial (a version it cannot have), from an element outside the board: checkin.js
    // holds back the board's own poll while someone touches the screen, not this.
    if (window.htmx && document.getElementById("board")) {
      window.htmx.ajax("GET", data.boardUrl + "?v=-1", { source: "#offline-banner", target: "#board", swap: "outerHTML" });
    }
    fetchPeople();
  }

  // --- the list to resolve ---
  function button(text, handler, className) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className || "button-secondary";
    element.textContent = text;
    element.addEventListener("click", handler);
    return element;
  }

  function showRefused() {
    var section = document.getElementById("offline-refused");
    var list = document.getElementById("offline-refused-list");
    if (!section || !list) { return; }
    var refused = load(REFUSED);
    section.hidden = !refused.length;
    list.innerHTML = "";
    refused.forEach(function (item, index) {
      var li = document.createElement("li");
      li.className = "offline-refused-item";
      li.setAttribute("data-code", item.code || "");
      var what = document.createElement("strong");
      var kinds = { check_in: words.kindCheckin, register: words.kindRegister, readiness: words.kindReadiness, undo: words.kindUndo };
      what.textContent = (kinds[item.action.type] || item.action.type) + ": " + (item.action.label || item.action.name || "") + " (" + hhmm(item.action.tapped_at) + ")";
      var message = document.createElement("span");
      message.textContent = " " + item.message;
      li.appendChild(what);
      li.appendChild(message);
      var actions = document.createElement("div");
      actions.className = "inline-form";
      (item.similar || []).forEach(function (person) {
        actions.appendChild(button(fill(words.checkInPerson, { name: person.name }), function () {
          resolve(index, { type: "check_in", participant: person.id, label: person.name, nonce: newNonce(), tapped_at: new Date().toISOString() });
        }));
      });
      if (item.code === "matches_existing" || item.code === "confirm_name") {
        actions.appendChild(button(words.registerAnyway, function () {
          resolve(index, { type: "register", name: item.action.name, label: item.action.name, confirm_new: true, nonce: newNonce(), tapped_at: new Date().toISOString() });
        }));
      }
      actions.appendChild(button(words.dismiss, function () { resolve(index, null); }));
      li.appendChild(actions);
      list.appendChild(li);
    });
  }

  function resolve(index, action) {
    var refused = load(REFUSED);
    refused.splice(index, 1);
    save(REFUSED, refused);
    showRefused();
    if (action) { enqueue(action); flush(); }
  }

  // --- offline search ---
  function people() {
    try {
      var stored = JSON.parse(localStorage.getItem(PEOPLE) || "null");
      return stored && stored.session === data.session ? stored.people : [];
    } catch (error) { return []; }
  }

  function fetchPeople() {
    if (!data.peopleUrl) { return; }
    fetch(data.peopleUrl, { credentials: "same-origin", headers: { Accept: "application/json" }, redirect: "error" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.people) {
          localStorage.setItem(PEOPLE, JSON.stringify({ session: data.session, people: body.people }));
        }
      }, function () { /* offline: the list from before stays until lock or logout */ });
  }

  function resultForm(kind, attributes, label, meta) {
    var li = document.createElement("li");
    var form = document.createElement("form");
    form.setAttribute("data-offline-form", kind);
    Object.keys(attributes).forEach(function (key) { form.setAttribute(key, attributes[key]); });
    var go = document.createElement("button");
    go.type = "submit";
    go.className = "result-button" + (kind === "register" ? " result-new" : "");
    var name = document.createElement("span");
    name.className = "result-name";
    name.textContent = label;
    go.appendChild(name);
    if (meta) {
      var action = document.createElement("span");
      action.className = "result-action";
      action.textContent = meta;
      go.appendChild(action);
    }
    form.appendChild(go);
    li.appendChild(form);
    return li;
  }

  function searchOffline() {
    var box = document.getElementById("q");
    var results = document.getElementById("search-results");
    if (!box || !results) { return; }
    var query = box.value.trim();
    results.innerHTML = "";
    if (!query) { return; }
    var wanted = normalise(query);
    var found = people().filter(function (person) {
      return normalise(person.label).split(/\s+/).some(function (word) { return word.indexOf(wanted) === 0; }) || normalise(person.label).indexOf(wanted) === 0;
    }).slice(0, 8);
    var note = document.createElement("p");
    note.className = "notice";
    note.textContent = words.searching;
    var list = document.createElement("ul");
    list.className = "results";
    found.forEach(function (person) {
      list.appendChild(resultForm("check_in", { "data-participant": String(person.id), "data-label": person.label }, person.label, words.checkIn));
    });
    if (!found.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = words.nobody;
      list.appendChild(empty);
    }
    list.appendChild(resultForm("register", { "data-name": query }, fill(words.register, { name: query })));
    results.appendChild(note);
    results.appendChild(list);
  }

  // --- the lock while offline ---
  function lockLocally() {
    locallyLocked = true;
    localStorage.removeItem(PEOPLE);
    document.body.classList.add("offline-locked");
    var panel = document.getElementById("offline-locked");
    if (panel) { panel.hidden = false; }
  }
  function lockOnServer() {
    var form = document.getElementById("lock-form") || document.getElementById("idle-lock-form");
    if (form) { HTMLFormElement.prototype.submit.call(form); }
  }
  // app.js's idle timer asks first: offline, the lock is kept here until the connection is back.
  document.addEventListener("dagsverket:idle-lock", function (event) {
    if (offline || load(QUEUE).length) { event.preventDefault(); lockLocally(); }
  });

  // --- the service worker: the board and the static files open without a connection ---
  if (navigator.serviceWorker && data.workerUrl) {
    navigator.serviceWorker.register(data.workerUrl, { scope: data.boardUrl }).catch(function () {});
  }

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", goOffline);
  // After a reload: what still waits is shown again and sent when possible.
  load(QUEUE).forEach(showLocally);
  if (navigator.onLine === false) { goOffline(); scheduleRetry(); }  // opened from the worker's copy
  showRefused();
  showBanner();
  if (load(QUEUE).length) { flush(); } else { fetchPeople(); }
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "board") { load(QUEUE).forEach(showLocally); }
  });
})();
