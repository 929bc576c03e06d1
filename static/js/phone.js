/* Progressive enhancement only: every page works without this file.
   It registers the service worker (which keeps the member's next two weeks for reading without
   signal) and tells it who is signed in on this page, so a copy kept for anyone else is dropped. */
"use strict";
(function () {
  if (!("serviceWorker" in navigator)) return;
  const meta = document.querySelector('meta[name="coop-person"]');
  const key = meta ? meta.getAttribute("content") : null;
  navigator.serviceWorker
    .register("/sw.js", { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      if (registration.active) registration.active.postMessage({ type: "person", key: key });
    })
    .catch(() => undefined);
})();
