/* Every page: registers LNOB's service worker (/sw.js) so the volunteer's
 * "my people" page and its outbox work with no signal (docs/offline.md).
 * Signing out forgets the people kept on this phone (what is waiting to send
 * stays until it is sent by the same user). */
"use strict";
(function () {
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !/\/logout\/?$/.test(form.action)) return;
    if (!("indexedDB" in window)) return;
    try {
      const open = indexedDB.open("lnob-offline");
      // Never create the database here: only the offline page does.
      open.onupgradeneeded = function () { open.transaction.abort(); };
      open.onsuccess = function () {
        const db = open.result;
        if (db.objectStoreNames.contains("people")) {
          const tx = db.transaction(["people", "meta"], "readwrite");
          tx.objectStore("people").clear();
          tx.objectStore("meta").clear();
        }
        db.close();
      };
    } catch (e) { /* nothing kept */ }
  }, true);
})();
