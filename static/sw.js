/* Co-op Works service worker.

   It keeps exactly one page: the signed-in member's next two weeks of shifts (/shifts/offline),
   in a cache named for that person ("coop-offline-" + an opaque key the server gives), and the
   site's stylesheet. Nothing else is stored: no coordinator page, no invoice, no other page.
   When a page says who is signed in (the X-Coop-Person header, or a message from the page), a
   copy kept for anyone else is deleted; a page with nobody (signed out) deletes every copy.
   Without signal, a page opened in the browser shows the kept copy, marked with when it was made. */
"use strict";

const OFFLINE_URL = "/shifts/offline";
const PREFIX = "coop-offline-";
const STATIC = "coop-static-v1";
const STATIC_FILES = ["/static/css/site.css", "/static/favicon.svg"];
const FRESH_MS = 10 * 60 * 1000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((c) => c.addAll(STATIC_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

async function forgetAllBut(keep) {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== keep).map((n) => caches.delete(n)));
}

/* The person now signed in on this browser: keep (and refresh) their page, drop anyone else's. */
async function personIs(key) {
  if (!key) {
    await forgetAllBut(null);
    return;
  }
  const name = PREFIX + key;
  await forgetAllBut(name);
  const cache = await caches.open(name);
  const kept = await cache.match(OFFLINE_URL);
  const madeAt = kept ? Number(kept.headers.get("X-Coop-Made-At") || 0) : 0;
  if (kept && Date.now() - madeAt < FRESH_MS) return;
  const response = await fetch(OFFLINE_URL, { credentials: "same-origin", cache: "no-store" });
  // Only the page meant for keeping, for this same person, is ever stored.
  if (response.ok && response.headers.get("X-Coop-Offline") === "keep" && response.headers.get("X-Coop-Person") === key) {
    const body = await response.blob();
    const headers = new Headers(response.headers);
    headers.set("X-Coop-Made-At", String(Date.now()));
    await cache.put(OFFLINE_URL, new Response(body, { status: 200, headers }));
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "person") event.waitUntil(personIs(data.key || null));
});

async function keptPage() {
  const names = (await caches.keys()).filter((n) => n.startsWith(PREFIX));
  for (const name of names) {
    const page = await (await caches.open(name)).match(OFFLINE_URL);
    if (page) return page;
  }
  return new Response(
    "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
      "<title>No signal – Co-op Works</title></head><body><main><h1>No signal</h1>" +
      "<p>This page needs a connection. Nothing is kept on this phone for you yet: open Co-op Works once with signal, signed in.</p></main></body></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(
        (response) => {
          event.waitUntil(personIs(response.headers.get("X-Coop-Person")).catch(() => undefined));
          return response;
        },
        () => keptPage()
      )
    );
    return;
  }
  if (STATIC_FILES.includes(url.pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname)));
  }
});

/* Push notifications: the text and the page to open come from the server; nothing else. */
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  const title = data.title || "Co-op Works";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "",
      icon: "/static/icons/icon-192.png",
      badge: "/static/icons/icon-192.png",
      data: { url: data.url || "/home" },
      tag: data.tag || undefined,
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/home", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (w.url === target.href && "focus" in w) return w.focus();
      }
      return self.clients.openWindow(target.href);
    })
  );
});
