/* LNOB's service worker (Workbox, from npm; settings in self.LNOB_SW from /sw.js).
 *
 * What it keeps (docs/offline.md):
 * - the offline page's files (CSS, idb, its script, the icon): precached;
 * - the offline page ("my people"): the network first, the kept copy when
 *   there is no signal (no personal data is in it: the people are in IndexedDB);
 * - any other page asked for with no signal: the offline page instead;
 * - other static files: the network first, the kept copy offline.
 * The API is never cached: the phone's data lives in IndexedDB (cases/offline.js).
 */
/* global importScripts, workbox */
"use strict";
const CONF = self.LNOB_SW;
importScripts(CONF.workbox);
workbox.setConfig({debug: false, modulePathCb: (name) => CONF.modules[name]});
workbox.core.setCacheNameDetails({prefix: "lnob"});
const PAGE_CACHE = "lnob-offline-page";

self.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute(CONF.precache);

// The offline page: fresh when online, the kept copy with no signal.
workbox.routing.registerRoute(
  ({request, url}) => request.mode === "navigate" && url.pathname === CONF.offlinePage,
  new workbox.strategies.NetworkFirst({cacheName: PAGE_CACHE, networkTimeoutSeconds: 6}),
);
// Every other page: only from the network (never a stale copy of personal data).
workbox.routing.registerRoute(
  ({request}) => request.mode === "navigate",
  new workbox.strategies.NetworkOnly(),
);
// Static files (fonts, styles): the network first, kept for offline use.
workbox.routing.registerRoute(
  ({url}) => url.origin === self.location.origin && url.pathname.startsWith(CONF.static),
  new workbox.strategies.NetworkFirst({cacheName: "lnob-static", networkTimeoutSeconds: 6}),
);
// With no network, a page falls back to the offline page.
workbox.routing.setCatchHandler(async ({request}) => {
  if (request.mode === "navigate") {
    const kept = await caches.match(CONF.offlinePage, {cacheName: PAGE_CACHE, ignoreSearch: true});
    if (kept) return kept;
  }
  return Response.error();
});
