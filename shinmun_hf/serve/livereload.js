// shinmun serve: live reload. Injected into served pages only, never into built files.
//
// Listens to the server's events and reloads this page when a rebuild changed it (or a script,
// image or font it may use), swaps stylesheets in place when only CSS changed, and shows the
// build-error page when a build failed. EventSource reconnects by itself after a restart; the
// server's greeting says what this page missed meanwhile (everything, after a restart).
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || typeof EventSource === "undefined") return;
  const file = script.dataset.file || "";
  const mode = script.dataset.mode || "page";
  let version = script.dataset.version || "";

  const reload = () => location.reload();
  const RETRY_MS = 500; // as the server's `retry:`

  const swapStylesheets = (files) => {
    const links = [...document.querySelectorAll('link[rel~="stylesheet"][href]')];
    const path = (link) => new URL(link.href, location.href).pathname;
    let targets = links.filter((link) => files.some((f) => path(link).endsWith("/" + f)));
    if (targets.length === 0) targets = links; // e.g. a sheet @import-ed by another one
    const stamp = Date.now().toString(36);
    for (const link of targets) {
      const url = new URL(link.href, location.href);
      url.searchParams.set("shinmun-reload", stamp);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      // keep the old sheet until the new one applies: no flash of unstyled content
      fresh.addEventListener("load", () => link.remove(), { once: true });
      fresh.addEventListener("error", () => fresh.remove(), { once: true });
      link.after(fresh);
    }
  };

  // Reload when a change concerns this page; swap stylesheets when only they changed.
  const apply = (data) => {
    if (mode !== "page" || data.everything || data.files.includes(file)) {
      reload();
      return;
    }
    const sheets = data.files.filter((f) => f.endsWith(".css"));
    if (sheets.length) swapStylesheets(sheets);
    version = data.version;
  };

  let source = null;
  const connect = () => {
    if (source || document.hidden) return; // a hidden tab connects when it is shown
    const events = new URL("events", script.src);
    events.searchParams.set("since", version);
    const stream = (source = new EventSource(events));
    // The greeting carries what changed since this page's version: a page that connects just
    // after a rebuild was announced (it was loading, say) learns of it, and reloads only if
    // the change concerns it.
    stream.addEventListener("hello", (event) => {
      const data = JSON.parse(event.data);
      if (version && data.version !== version) apply(data);
      else version = data.version;
    });
    stream.addEventListener("failed", reload);
    stream.addEventListener("change", (event) => apply(JSON.parse(event.data)));
    // EventSource would reconnect by itself, but always with the version it first sent:
    // reconnect here instead, saying which version the page shows now.
    stream.addEventListener("error", () => {
      stream.close();
      if (source === stream) source = null;
      setTimeout(connect, RETRY_MS);
    });
  };
  connect();
  // A browser opens at most six connections to one server, and each open stream holds one: a
  // tab in the background gives its stream up, or a seventh tab would never load. Shown
  // again, it reconnects with its version, and the greeting says what it missed meanwhile.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) connect();
    else if (source) {
      source.close();
      source = null;
    }
  });
  // pages restored from the back/forward cache may be stale: check again
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) reload();
  });
})();
