/* Turns push notifications on or off for this browser. Progressive enhancement: without it (or
   without push in the browser) the section stays hidden and the co-op sends emails instead. What it
   says comes from the page's data-msg-* attributes, in the reader's language. */
"use strict";
(function () {
  const box = document.getElementById("push-device");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  const status = document.getElementById("push-status");
  const say = (text) => { status.textContent = text; };
  const key = box.dataset.key;
  const raw = Uint8Array.from(atob(key.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (key.length % 4)) % 4)), (c) => c.charCodeAt(0));
  const post = (url, body) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  box.hidden = false;
  document.getElementById("push-on").addEventListener("click", async () => {
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        say(box.dataset.msgRefused);
        return;
      }
      const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const subscription =
        (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: raw }));
      say((await post(box.dataset.subscribe, subscription.toJSON())).message);
    } catch (e) {
      say(box.dataset.msgFailed);
    }
  });
  document.getElementById("push-off").addEventListener("click", async () => {
    const registration = await navigator.serviceWorker.getRegistration("/");
    const subscription = registration && (await registration.pushManager.getSubscription());
    if (!subscription) {
      say(box.dataset.msgNotOn);
      return;
    }
    await subscription.unsubscribe();
    say((await post(box.dataset.unsubscribe, { endpoint: subscription.endpoint })).message);
  });
})();
