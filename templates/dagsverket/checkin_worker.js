{% load static %}// The check-in tablet's service worker (issue 21): the board and its static files open offline.
// It caches exactly two kinds of answer: the board page ({{ board_url }}, network first, the last
// good copy when the network fails) and static files (cache first). Every other request, pages with
// personal data included, goes to the network untouched and is never stored. Locking the tablet or
// logging out deletes the cached board (js/app.js); a board answered by a redirect (to the lock
// screen or the login) deletes it too.
"use strict";
var CACHE = "dagsverket-board-v1";
var BOARD = "{{ board_url|escapejs }}";
var STATIC_FILES = [{% for name in static_files %}"{% static name as url %}{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var STATIC_PREFIX = "{% get_static_prefix as prefix %}{{ prefix|escapejs }}";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(STATIC_FILES); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function board(request) {
  return fetch(request).then(function (response) {
    return caches.open(CACHE).then(function (cache) {
      if (response.ok && !response.redirected) {
        cache.put(BOARD, response.clone());
      } else if (response.redirected) {
        cache.delete(BOARD);  // locked or logged out: the board is not for whoever holds the tablet
      }
      return response;
    });
  }, function () {
    return caches.match(BOARD).then(function (cached) { return cached || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname === BOARD && !url.search) {
    event.respondWith(board(request));
  } else if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.match(request, { ignoreSearch: false }).then(function (cached) {
      return cached || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});
