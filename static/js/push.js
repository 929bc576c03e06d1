/* Turns push notifications on or off for this browser. Progressive enhancement: without it (or
   without push in the browser) the section stays hidden and the co-op sends emails instead. */
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
        say("This browser was not allowed to show notifications. You can change that in its settings.");
        return;
      }
      const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const subscription =
        (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: raw }));
      say((await post(box.dataset.subscribe, subscription.toJSON())).message);
    } catch (e) {
      say("Push notifications could not be turned on in this browser. Emails still reach you.");
    }
  });
  document.getElementById("push-off").addEventListener("click", async () => {
    const registration = await navigator.serviceWorker.getRegistration("/");
    const subscription = registration && (await registration.pushManager.getSubscription());
    if (!subscription) {
      say("Push notifications are not on in this browser.");
      return;
    }
    await subscription.unsubscribe();
    say((await post(box.dataset.unsubscribe, { endpoint: subscription.endpoint })).message);
  });
})();
