// shinmun serve: live reload. Injected into served pages only, never into built files.
//
// Listens to the server's events and reloads this page when a rebuild changed it (or a script,
// image or font it may use), swaps stylesheets in place when only CSS changed, and shows the
// build-error page when a build failed. EventSource reconnects by itself after a restart; the
// version in the server's greeting says whether this page missed a rebuild meanwhile.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || typeof EventSource === "undefined") return;
  const file = script.dataset.file || "";
  const mode = script.dataset.mode || "page";
  let version = script.dataset.version || "";

  const reload = () => location.reload();

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

  const source = new EventSource(new URL("events", script.src));
  source.addEventListener("hello", (event) => {
    const data = JSON.parse(event.data);
    if (version && data.version !== version) reload();
    version = data.version;
  });
  source.addEventListener("failed", reload);
  source.addEventListener("change", (event) => {
    const data = JSON.parse(event.data);
    if (mode !== "page" || data.everything || data.files.includes(file)) return reload();
    const sheets = data.files.filter((f) => f.endsWith(".css"));
    if (sheets.length) swapStylesheets(sheets);
    version = data.version;
  });
  // pages restored from the back/forward cache may be stale: check again
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) reload();
  });
})();
