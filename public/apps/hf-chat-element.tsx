/**
 * hf-chat-element.tsx: the sign-in widget as a custom element, `<hf-chat></hf-chat>`, for any
 * HTML page (Hugo, Jekyll, MkDocs, Pelican, hand-written). The wheel ships it prebuilt
 * (shinmun_hf/widget/hf-chat.js, `make widget`), so a page needs one
 * `<script type="module" src=".../hf-chat.js">` and no bundler.
 *
 * Configuration: the same window variables as hf-oauth.ts (HF_OAUTH_CLIENT_ID, ...), or these
 * attributes, which override them (the page has one sign-in, so they configure the whole page):
 *   client-id, scopes, model, provider-url, inference-url, redirect-uri, bill-to, org-ids,
 *   base-path
 *
 * Mounting happens whenever an element is connected, so pages whose content is swapped in
 * without a reload (Material for MkDocs' instant navigation, Turbo) get a working widget too.
 * The module also exports the widget's API (hf-oauth.ts) for pages that script it themselves.
 */
import mount from "./hf-oauth-demo.tsx";

export * from "./hf-oauth.ts";

/** Attribute -> the window variable hf-oauth.ts reads. */
const ATTRIBUTES: Record<string, string> = {
  "client-id": "HF_OAUTH_CLIENT_ID",
  scopes: "HF_OAUTH_SCOPES",
  model: "HF_INFERENCE_MODEL",
  "provider-url": "HF_OPENID_PROVIDER_URL",
  "inference-url": "HF_INFERENCE_URL",
  "redirect-uri": "HF_OAUTH_REDIRECT_URI",
  "bill-to": "HF_INFERENCE_BILL_TO",
  "org-ids": "HF_OAUTH_ORG_IDS",
  "base-path": "HF_BASE_PATH",
};

let count = 0;
let sheet: CSSStyleSheet | undefined;

/** Attributes given on the element become the page's configuration. */
function configure(element: HTMLElement): void {
  const globals = globalThis as unknown as Record<string, unknown>;
  for (const [attribute, name] of Object.entries(ATTRIBUTES)) {
    const value = element.getAttribute(attribute)?.trim();
    if (value) globals[name] = value;
  }
}

/** A custom element is inline by default: the widget is a block, beside a theme's floats
 * rather than under them, and below them where the room beside is too narrow (a phone). */
function addStyles(): void {
  if (sheet) return;
  sheet = new CSSStyleSheet();
  sheet.replaceSync("hf-chat{display:flow-root;min-width:min(100%,18rem)}");
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** `<hf-chat>`: the sign-in widget, mounted when the element joins the page. */
export class HfChatElement extends HTMLElement {
  connectedCallback(): void {
    addStyles();
    // The widget's ids (its prompt, its saved draft) derive from the element's id.
    if (!this.id) this.id = `hf-chat${count++ ? `-${count}` : ""}`;
    configure(this);
    mount(this);
  }
}

if (!customElements.get("hf-chat")) customElements.define("hf-chat", HfChatElement);
