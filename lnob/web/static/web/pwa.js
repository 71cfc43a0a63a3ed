/* Every page: the forms that save in one round trip (below), and
 * LNOB's service worker (/sw.js) so the volunteer's
 * "my people" page and its outbox work with no signal (docs/offline.md).
 *
 * Once per browser session, a signed-in user's phone also keeps that page and
 * their people (GET /api/v1/cases/mine) in advance, so the page opens with no
 * signal even if they never opened it online. Signing out forgets the people
 * kept on this phone (what waits to send stays until sent by the same user).
 *
 * The IndexedDB schema here must match cases/offline.js (database
 * "lnob-offline", version 2: people, outbox, meta). */
"use strict";
(function () {
  // Forms that save in one round trip (htmx + lnob/core/landing.py; decision
  // 0030): the answer is the next page, its <body> put in place.
  // A refused form (400, 409, 429…) is shown too, as the browser would; with
  // no network the form is sent the plain way, so the browser (and its
  // service worker's offline page) answers exactly as without JavaScript.
  function landing(event) {
    const config = event.detail && event.detail.requestConfig;
    return config && config.elt && config.elt.hasAttribute("data-land");
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (landing(event) && event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-land")) form.submit();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!landing(event)) return;
    // A new page: the reader starts at its content, as after a page load.
    const main = document.getElementById("main");
    if (main) { main.setAttribute("tabindex", "-1"); main.focus({preventScroll: true}); }
    // A new page without a load event: what runs after a page load runs now.
    document.dispatchEvent(new CustomEvent("lnob:page"));
  });
})();

(function () {
  if (!("serviceWorker" in navigator)) return;
  const OFFLINE_PAGE = "/cases/offline/";
  const PAGE_CACHE = "lnob-offline-page";
  const WARM_KEY = "lnob-offline-warm";
  const WARM_AFTER_MS = 5000;
  let warmTimer = null;

  function openDB(create) {
    return new Promise(function (resolve, reject) {
      const open = indexedDB.open("lnob-offline", 2);
      open.onupgradeneeded = function () {
        if (!create) { open.transaction.abort(); return; }
        const db = open.result;
        const has = function (name) { return db.objectStoreNames.contains(name); };
        if (!has("people")) db.createObjectStore("people", {keyPath: "case_id"});
        if (!has("outbox")) db.createObjectStore("outbox", {keyPath: "key"});
        if (!has("meta")) db.createObjectStore("meta");
      };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }

  function keepPeople(data) {
    return openDB(true).then(function (db) {
      const tx = db.transaction(["people", "meta"], "readwrite");
      const people = tx.objectStore("people");
      people.clear();
      data.people.forEach(function (p) { people.put(p); });
      const meta = tx.objectStore("meta");
      meta.put(data.username, "username");
      meta.put(data.at, "at");
      meta.put(data.report_areas, "areas");
      return new Promise(function (resolve, reject) {
        tx.oncomplete = function () { db.close(); resolve(); };
        tx.onabort = tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function warm() {
    if (!navigator.onLine || !("caches" in window) || !("indexedDB" in window)) return;
    if (sessionStorage.getItem(WARM_KEY) || location.pathname === OFFLINE_PAGE) return;
    // Signed out (no sign-out button): nothing to keep, and no request in the way.
    if (!document.querySelector('form[action$="/logout/"]')) return;
    fetch(OFFLINE_PAGE, {credentials: "same-origin", redirect: "manual"}).then(function (res) {
      // Not signed in (a redirect) or no role for it (403): nothing to keep.
      if (res.status !== 200) return;
      return caches.open(PAGE_CACHE).then(function (cache) {
        return cache.put(OFFLINE_PAGE, res);
      }).then(function () {
        return fetch("/api/v1/cases/mine", {credentials: "same-origin",
          headers: {Accept: "application/json"}});
      }).then(function (mine) {
        return mine.ok ? mine.json() : null;
      }).then(function (data) {
        if (!data) return;
        const kept = data.people.length || data.report_areas.length ? keepPeople(data) : null;
        return Promise.resolve(kept).then(function () {
          // Only once all is kept: a warm-up cut short by leaving the page runs again.
          sessionStorage.setItem(WARM_KEY, "1");
        });
      });
    }).catch(function () { /* offline or refused: try again next session */ });
  }

  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    // After the page, when the phone is idle: never in the way of what the user
    // opens next (on "Slow 3G" a person often taps on within 2 s; 5 s on one page
    // means reading or typing, and the warm-up then costs them nothing).
    later();
  });
  // A page put in place by a form that saved (signing in lands on the home
  // page): the wait starts again, as on a page just loaded.
  document.addEventListener("lnob:page", later);
  function later() {
    clearTimeout(warmTimer);
    warmTimer = setTimeout(warm, WARM_AFTER_MS);
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !/\/logout\/?$/.test(form.action)) return;
    sessionStorage.removeItem(WARM_KEY);
    if (!("indexedDB" in window)) return;
    openDB(false).then(function (db) {
      const tx = db.transaction(["people", "meta"], "readwrite");
      tx.objectStore("people").clear();
      tx.objectStore("meta").clear();
      tx.oncomplete = function () { db.close(); };
    }).catch(function () { /* nothing kept */ });
  }, true);
})();
