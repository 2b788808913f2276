/*
 * Site search over search-index.json (written by every build): no dependency, no server.
 *
 * Results are built from DOM nodes and textContent only, never innerHTML, so nothing in a
 * post's title or text can become markup. Matching ignores case and accents ("cafe" finds
 * "Café"); every word of the query must occur in the title, tags, category or text.
 */
(() => {
  "use strict";

  const form = document.querySelector(".search-form");
  if (!form) return;
  const input = form.querySelector("input[type=search]");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const LIMIT = 50;
  const SNIPPET = 180;
  let index = null;
  let timer = 0;
  let latest = 0;

  /** Lower case, accents removed: the form both the index and the query are compared in. */
  const fold = (text) =>
    String(text ?? "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();

  /** `fold(text)` plus, for each folded character, where it came from in `text`. */
  function foldWithMap(text) {
    let folded = "";
    const map = [];
    for (let i = 0; i < text.length; ) {
      const char = String.fromCodePoint(text.codePointAt(i));
      const part = fold(char);
      for (let k = 0; k < part.length; k++) map.push(i);
      folded += part;
      i += char.length;
    }
    map.push(text.length);
    return { folded, map };
  }

  function load() {
    index ??= fetch(form.dataset.index, { headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error(`the index answered ${response.status}`);
        return response.json();
      })
      .then((items) =>
        items.map((item) => ({
          item,
          title: fold(item.title),
          labels: fold([item.category ?? "", ...(item.tags ?? [])].join(" ")),
          text: fold(`${item.summary ?? ""} ${item.content ?? ""}`),
        })),
      );
    return index;
  }

  function terms(query) {
    return [...new Set(fold(query).split(/\s+/).filter(Boolean))].slice(0, 10);
  }

  function score(entry, words) {
    let total = 0;
    for (const word of words) {
      const points =
        (entry.title.includes(word) ? 10 : 0) +
        (entry.labels.includes(word) ? 5 : 0) +
        (entry.text.includes(word) ? 1 : 0);
      if (points === 0) return 0;
      total += points;
    }
    return total;
  }

  /** Append `text` to `parent`, each occurrence of a word wrapped in <mark>. */
  function appendMarked(parent, text, words) {
    const { folded, map } = foldWithMap(text);
    const ranges = [];
    for (const word of words) {
      for (let at = folded.indexOf(word); at !== -1; at = folded.indexOf(word, at + word.length)) {
        ranges.push([map[at], map[at + word.length]]);
      }
    }
    ranges.sort((a, b) => a[0] - b[0]);
    let position = 0;
    for (const [start, end] of ranges) {
      if (end <= position) continue;
      const from = Math.max(start, position);
      parent.append(document.createTextNode(text.slice(position, from)));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(from, end);
      parent.append(mark);
      position = end;
    }
    parent.append(document.createTextNode(text.slice(position)));
  }

  /** The summary when it mentions a word, else the part of the text around the first match
   * (so the words found show, marked), else the summary (a match in the title or tags). */
  function snippet(item, words) {
    const summary = item.summary ?? "";
    if (summary && words.some((w) => fold(summary).includes(w))) return summary;
    const content = item.content ?? "";
    const folded = fold(content);
    const hit = Math.min(...words.map((w) => folded.indexOf(w)).filter((i) => i >= 0));
    const opening = content.slice(0, SNIPPET).trimEnd() + (content.length > SNIPPET ? "…" : "");
    if (!Number.isFinite(hit)) return summary || opening;
    if (hit < SNIPPET / 2) return opening;
    const start = content.lastIndexOf(" ", hit - SNIPPET / 3) + 1;
    const end = Math.min(content.length, start + SNIPPET);
    return `…${content.slice(start, end).trimEnd()}${end < content.length ? "…" : ""}`;
  }

  function formatDate(iso) {
    const date = new Date(`${iso}T12:00:00`);
    if (Number.isNaN(date.getTime())) return iso;
    const language = document.documentElement.lang || undefined;
    return date.toLocaleDateString(language, { year: "numeric", month: "long", day: "numeric" });
  }

  function safeUrl(url) {
    return typeof url === "string" && /^(\/|https?:\/\/)/.test(url) ? url : "#";
  }

  function render(query, matches, words) {
    list.replaceChildren();
    for (const { item } of matches.slice(0, LIMIT)) {
      const entry = document.createElement("li");
      const heading = document.createElement("h2");
      const link = document.createElement("a");
      link.href = safeUrl(item.url);
      appendMarked(link, item.title ?? "", words);
      heading.append(link);
      entry.append(heading);

      const facts = [item.date ? formatDate(item.date) : item.kind === "page" ? "Page" : ""];
      if (item.category) facts.push(item.category);
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = facts.filter(Boolean).join(" · ");
      if (meta.textContent) entry.append(meta);

      const text = snippet(item, words);
      if (text) {
        const excerpt = document.createElement("p");
        appendMarked(excerpt, text, words);
        entry.append(excerpt);
      }
      list.append(entry);
    }
    const shown = Math.min(matches.length, LIMIT);
    status.textContent =
      matches.length === 0
        ? `No results for “${query}”.`
        : `${matches.length} result${matches.length === 1 ? "" : "s"} for “${query}”` +
          (shown < matches.length ? ` (showing the first ${shown}).` : ".");
  }

  async function search(query) {
    const run = ++latest;
    const words = terms(query);
    const url = new URL(window.location.href);
    if (words.length) url.searchParams.set("q", query.trim());
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!words.length) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    if (!index) status.textContent = "Loading the search index…";
    let entries;
    try {
      entries = await load();
    } catch (error) {
      index = null;
      status.textContent = `Search is unavailable: ${error.message}.`;
      return;
    }
    if (run !== latest) return; // a newer query has started meanwhile
    const matches = entries
      .map((entry) => ({ item: entry.item, points: score(entry, words) }))
      .filter((match) => match.points > 0)
      .sort((a, b) => b.points - a.points || String(b.item.date).localeCompare(String(a.item.date)));
    render(query.trim(), matches, words);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    search(input.value);
  });
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => search(input.value), 150);
  });

  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    search(initial);
  }
})();
