/**
 * chat-markdown.ts: a model's answer, written in Markdown, drawn as formatted DOM while it
 * streams. The answer is untrusted text, so nothing here parses HTML: elements come from
 * `createElement` with tag names of this file's own, their content from text nodes, and the
 * only attribute taken from the answer is a link's `href`, which must parse as an absolute
 * http(s) URL (such links open in a new tab, with neither opener nor referrer). Images are
 * shown as links, never loaded: an image URL written by a model could carry the conversation
 * to a third party.
 *
 * The subset chat models write: paragraphs, headings (drawn as bold paragraphs, so an answer
 * cannot rearrange the page's outline), **strong**, *emphasis*, `code`, fenced code, bullet and
 * numbered lists (nested), block quotes, rules, tables, links, bare URLs, `<br>` and backslash
 * escapes. Anything else (underscores included: they are more often in names than emphasis)
 * stays visible as the text it is.
 *
 * Streaming: `markdownView(el)` returns an update function to call with the whole text so far;
 * blocks whose source did not change keep their nodes (and any selection in them), so each
 * token redraws only the block it extends.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]+|$)/;
const QUOTE = /^ {0,3}> ?/;
/** 1: indent, 2: marker; the whole match ends where the item's text starts. */
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?: +|$)/;
const TABLE_RULE = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/;
/**
 * The inline syntax, leftmost match first. Groups: 1 an escaped character, 2-3 a code span
 * (its backticks, its text), 4-5 a link's text and URL (an image's too: never loaded), 6 a bare
 * URL (without the punctuation that ends a sentence), 7 `<br>`, 8 `**strong**`, 9 `*emphasis*`.
 */
const INLINE =
  /\\([!-/:-@[-`{-~])|(`+)([^`]|[^`][\s\S]*?[^`])\2(?!`)|!?\[([^\]]*)\]\( *<?((?:[^\s()<>]|\([^\s()]*\))*)>?(?: +"[^"]*")? *\)|(https?:\/\/[^\s<>]*[^\s<>.,:;"'!?)\]*_~])|(<br *\/?>)|\*\*(?=\S)([\s\S]*?\S)\*\*|\*(?=[^\s*])([\s\S]*?[^\s*])\*/gi;

type Kid = Node | string;

function el(tag: string, ...kids: Kid[]): HTMLElement {
  const element = document.createElement(tag);
  element.append(...kids); // strings become text nodes
  return element;
}

const closes = (fence: string) => new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
const startsBlock = (line: string) =>
  FENCE.test(line) || RULE.test(line) || HEADING.test(line) || QUOTE.test(line) ||
  ITEM.test(line);

/** Split lines into blocks: each a run of lines whose first line tells its kind. */
function split(lines: string[]): string[][] {
  const blocks: string[][] = [];
  for (let i = 0; i < lines.length;) {
    const start = i;
    const line = lines[i++];
    const fence = FENCE.exec(line);
    if (!line.trim()) continue;
    if (fence) {
      const end = closes(fence[1]);
      while (i < lines.length && !end.test(lines[i++]));
    } else if (RULE.test(line) || HEADING.test(line)) {
      // one line
    } else if (QUOTE.test(line)) {
      while (i < lines.length && QUOTE.test(lines[i])) i++;
    } else if (ITEM.test(line)) {
      // Items, lines indented under them or continuing their text, and blank lines between.
      for (; i < lines.length; i++) {
        const next = lines[i];
        if (
          next.trim()
            ? !/^\s/.test(next) && !ITEM.test(next) && startsBlock(next)
            : !/^\s+\S/.test(lines[i + 1] ?? "") && !ITEM.test(lines[i + 1] ?? "")
        ) break;
      }
    } else {
      // A paragraph, or a table: a header line, its rule, its rows.
      while (i < lines.length && lines[i].trim() && !startsBlock(lines[i])) i++;
    }
    blocks.push(lines.slice(start, i));
  }
  return blocks;
}

const render = (lines: string[]): Node[] => split(lines).map(block);

function block(lines: string[]): Node {
  const [first] = lines;
  const fence = FENCE.exec(first);
  if (fence) {
    const body = lines.slice(1);
    if (body.length && closes(fence[1]).test(body[body.length - 1])) body.pop();
    return el("pre", el("code", body.join("\n")));
  }
  if (RULE.test(first)) return el("hr");
  const heading = HEADING.exec(first);
  if (heading) {
    return el("p", el("strong", ...inline(first.slice(heading[0].length).replace(/\s#+\s*$/, ""))));
  }
  if (QUOTE.test(first)) return el("blockquote", ...render(lines.map((l) => l.replace(QUOTE, ""))));
  const item = ITEM.exec(first);
  if (item) {
    const items: string[][] = [];
    let indent = 0;
    for (const line of lines) {
      const next = ITEM.exec(line);
      if (next && (!items.length || next[1].length < indent)) {
        indent = next[0].length;
        items.push([line.slice(indent)]);
      } else {
        items[items.length - 1].push(line.replace(new RegExp(`^ {0,${indent}}`), ""));
      }
    }
    const number = parseInt(item[2]);
    const list = el(number >= 0 ? "ol" : "ul", ...items.map((lines) => el("li", ...render(lines))));
    if (number !== 1 && number >= 0) (list as HTMLOListElement).start = number;
    return list;
  }
  if (lines.length > 1 && lines[1].includes("|") && TABLE_RULE.test(lines[1])) {
    const cells = (line: string) =>
      line.trim().replace(/^\||(?<!\\)\|$/g, "").split(/(?<!\\)\|/).map((cell) => cell.trim());
    const rows = lines.filter((_, i) => i !== 1).map((line, i) =>
      el("tr", ...cells(line).map((cell) => el(i ? "td" : "th", ...inline(cell))))
    );
    const wrap = el("div", el("table", ...rows));
    wrap.className = "hfd-wide"; // scrolls sideways on a narrow screen
    return wrap;
  }
  return el("p", ...inline(lines.join("\n")));
}

/** An absolute http(s) URL as a link opening in a new tab; anything else: its text only. */
function link(url: string, label: string): Kid[] {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // not absolute: text only
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) return inline(label, false);
  const a = el("a", ...inline(label, false)) as HTMLAnchorElement;
  a.href = parsed.href;
  a.rel = "noopener noreferrer";
  a.target = "_blank";
  return [a];
}

/** The inline syntax of `text` as nodes; `links` false inside a link's own text. */
function inline(text: string, links = true): Kid[] {
  const out: Kid[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    out.push(text.slice(last, m.index));
    last = m.index! + m[0].length;
    const [all, escaped, , code, label, url, bare, br, strong, em] = m;
    if (escaped) out.push(escaped);
    else if (code) out.push(el("code", code));
    else if (url !== undefined || bare) {
      out.push(...(links ? link(url ?? bare, label ?? bare) : [all]));
    } else if (br) out.push(el("br"));
    else if (strong) out.push(el("strong", ...inline(strong, links)));
    else out.push(el("em", ...inline(em, links)));
  }
  out.push(text.slice(last));
  return out;
}

/**
 * Draw Markdown into `root` as it streams: returns a function to call with the whole text so
 * far, each time it grows. Blocks that did not change keep their nodes.
 */
export function markdownView(root: Element): (text: string) => void {
  let shown: [string, Node][] = [];
  return (text) => {
    shown = split(text.split(/\r\n?|\n/)).map((lines, i) => {
      const source = lines.join("\n");
      return shown[i]?.[0] === source ? shown[i] : [source, block(lines)];
    });
    shown.forEach(([, node], i) => {
      const there = root.childNodes[i];
      if (there !== node) there ? there.replaceWith(node) : root.append(node);
    });
    while (root.childNodes.length > shown.length) root.lastChild!.remove();
  };
}
