/**
 * hf-oauth-demo.tsx: the "Sign in with Hugging Face" widget. Chat with a model on your own
 * Hugging Face account: each answer streams in, formatted from its Markdown, and follow-up
 * questions keep the conversation. Everything runs in the browser.
 *
 * Mounting: the default export `mount(el)` renders the widget into `el`. The engine's directive
 * `@@typescript-file[hf-demo](public/apps/hf-oauth-demo.tsx)` makes `<div id="hf-demo">`, and the
 * bundler calls `mount` for each such element (a page may hold several; they share the sign-in,
 * which lives in sessionStorage). Configuration: see hf-oauth/config.ts.
 *
 * Rendering: the project's tiny JSX runtime makes real DOM nodes; parts that change are redrawn
 * with `replaceChildren`, and text only ever enters the page as text nodes (never as HTML);
 * answers are drawn by chat-markdown.ts, which builds its elements the same way.
 *
 * Styles: one stylesheet, built here and adopted by the document once (`adoptedStyleSheets`,
 * which a `style-src 'self'` Content-Security-Policy allows, unlike `<style>` elements or
 * `style=` attributes). All classes start with `hfd-`; colours come from the theme's custom
 * properties (--fg, --surface, --accent...) with light and dark fallbacks for other themes.
 */
import { markdownView } from "./chat-markdown.ts";
import {
  chatCompletionStream,
  type ChatMessage,
  DEFAULT_MODEL,
  defaultRedirectUri,
  generateOAuthLoginUrl,
  getConfig,
  handleOAuthRedirect,
  InferenceError,
  inFrame,
  loadSavedOAuthResult,
  OAUTH_CHANGE_EVENT,
  OAuthError,
  type OAuthResult,
  signOut,
  storage,
} from "./hf-oauth.ts";

// Each line ends in `\`, which JavaScript drops from the string: no newlines are shipped.
const CSS = `\
.hfd{\
--hfd-fg:var(--fg,#1f2328);--hfd-bg:var(--surface,#f6f8fa);--hfd-page:var(--bg,#fff);\
--hfd-muted:var(--muted,#57606a);--hfd-line:var(--border,#d0d7de);\
--hfd-accent:var(--accent,#0b57d0);--hfd-on-accent:var(--accent-fg,#fff);\
--hfd-focus:var(--focus,#b45309);--hfd-error:var(--error,#b42318);--hfd-r:var(--radius,6px);\
color:var(--hfd-fg);background:var(--hfd-bg);border:1px solid var(--hfd-line);\
border-radius:calc(var(--hfd-r) + 2px);padding:1rem;margin:1.5rem 0;line-height:1.5;\
overflow-wrap:anywhere}\
@media (prefers-color-scheme:dark){.hfd{\
--hfd-fg:var(--fg,#e6edf3);--hfd-bg:var(--surface,#161b22);--hfd-page:var(--bg,#0d1117);\
--hfd-muted:var(--muted,#9da7b3);--hfd-line:var(--border,#30363d);\
--hfd-accent:var(--accent,#79b8ff);--hfd-on-accent:var(--accent-fg,#0d1117);\
--hfd-focus:var(--focus,#f0b429);--hfd-error:var(--error,#ff9492)}}\
.hfd *{box-sizing:border-box}\
.hfd [hidden]{display:none!important}\
.hfd :where(p,ol,ul,pre,blockquote,table,details,hr){margin:0}\
.hfd :is(ol,ul){padding-left:1.5rem}\
.hfd>:not(:first-child,:empty),.hfd-setup>:not(:first-child){margin-top:.75rem}\
.hfd-form{display:grid;gap:.5rem}\
.hfd a{color:var(--hfd-accent)}\
.hfd :focus-visible{outline:3px solid var(--hfd-focus);outline-offset:2px}\
.hfd-muted,.hfd-status,.hfd summary,.hfd-thought{color:var(--hfd-muted);font-size:.9375rem}\
.hfd-note{border:1px dashed var(--hfd-line);border-radius:var(--hfd-r);padding:.25rem .5rem;\
font-size:.875rem}\
.hfd-row,.hfd-user{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem .75rem}\
.hfd-who{flex:1 1 8rem;min-width:0}\
.hfd-who a{font-weight:600}\
.hfd .hfd-avatar{width:48px;height:48px;border-radius:50%;flex:none;background:var(--hfd-line)}\
.hfd-btn{font:inherit;min-height:44px;padding:.5rem 1rem;border-radius:var(--hfd-r);\
border:1px solid var(--hfd-muted);background:var(--hfd-page);color:var(--hfd-fg);cursor:pointer}\
.hfd-primary{background:var(--hfd-accent);color:var(--hfd-on-accent);\
border-color:var(--hfd-accent);font-weight:600}\
.hfd a.hfd-btn{display:inline-flex;align-items:center;text-decoration:none;color:var(--hfd-on-accent)}\
.hfd-btn:disabled{opacity:.6;cursor:not-allowed}\
.hfd label{font-weight:600}\
.hfd textarea{display:block;width:100%;font:inherit;padding:.5rem;border-radius:var(--hfd-r);\
border:1px solid var(--hfd-muted);background:var(--hfd-page);color:var(--hfd-fg);resize:vertical}\
.hfd-log>*+*,.hfd-turn>*+*,.hfd-answer>*+*,.hfd li>*+*{margin-top:.75rem}\
.hfd-q,.hfd-answer{background:var(--hfd-page);border:1px solid var(--hfd-line);\
border-radius:var(--hfd-r);padding:.75rem}\
.hfd-q{width:fit-content;max-width:85%;margin-left:auto}\
.hfd-q,.hfd-thought{white-space:pre-wrap}\
.hfd-answer:empty{display:none}\
.hfd-answer p{white-space:pre-line}\
.hfd pre,.hfd-wide{overflow-x:auto}\
.hfd pre{background:var(--hfd-bg);padding:.75rem;border-radius:var(--hfd-r);overflow-wrap:normal}\
.hfd blockquote,.hfd-thought{padding-left:.75rem;border-left:3px solid var(--hfd-line)}\
.hfd table{border-collapse:collapse}\
.hfd :is(th,td){border:1px solid var(--hfd-line);padding:.25rem .5rem;text-align:left;\
overflow-wrap:normal}\
.hfd-answer[aria-busy=true]>:last-child::after{content:"▍"}\
.hfd-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}\
.hfd-error:not(:empty){color:var(--hfd-error);border-left:4px solid currentColor;padding-left:.5rem}\
`;

let sheet: CSSStyleSheet | undefined;

/** Adopt the stylesheet once per document. */
function addStyles(): void {
  if (sheet) return;
  sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** Only http(s) URLs from the profile are used as links and images. */
const safeUrl = (url: unknown): string | undefined =>
  typeof url === "string" && /^https?:\/\//i.test(url) ? url : undefined;

/** Who the widget talks to: under `shinmun serve --hub local`, not Hugging Face at all. */
const hubName = (): string => getConfig().localHub ? "the local test hub" : "Hugging Face";

/** What went wrong, in words for the visitor (always used as text). */
function describe(error: unknown): string {
  const hub = hubName();
  if (error instanceof OAuthError) {
    return error.code === "access_denied"
      ? `Sign-in cancelled: the app was not approved on ${hub} (${error.message}).`
      : `${error.code === "insecure_endpoint" ? "Not sent" : "Sign-in failed"}: ${error.message}.`;
  }
  if (error instanceof InferenceError) {
    const { model, billTo } = getConfig();
    const id = error.requestId ? ` (request id ${error.requestId})` : "";
    const why: Record<number, string> = {
      0: `The model stopped with an error: ${error.message}.`,
      401:
        `Your session on ${hub} has expired or the app's access was revoked. Please sign in again.`,
      402:
        `You have no inference credits left on ${hub}: add credits or upgrade to PRO in its billing settings, then try again. (${error.message})`,
      403: `Your sign-in lacks the inference-api scope${
        billTo ? ` or may not bill ${billTo} (HF_INFERENCE_BILL_TO)` : ""
      }: check HF_OAUTH_SCOPES, then sign in again. (${error.message})`,
      429: `Too many requests: ${hub} is rate-limiting them. Wait a minute, then try again.`,
      503:
        "The model is unavailable right now (its providers are busy or down). Try again later or use another model.",
    };
    // The router's "The requested model 'x' is not supported by any provider you have enabled."
    if (error.status === 404 || error.status === 400 && error.message.includes(model.split(":")[0])) {
      why[error.status] =
        `No Inference Provider serves ${model} for chat (${error.message}). Set HF_INFERENCE_MODEL to one that does, such as ${DEFAULT_MODEL}.`;
    }
    return (why[error.status] ?? `Inference failed (HTTP ${error.status}): ${error.message}.`) + id;
  }
  if (error instanceof TypeError) {
    return getConfig().localHub
      ? "Could not reach the local test hub: is shinmun serve still running?"
      : "Could not reach Hugging Face. Check your connection and try again.";
  }
  return String(error instanceof Error ? error.message : error);
}

/** What readers of a published site without a client id see: no set-up steps for them. */
const NotSetUp = () => (
  <p class="hfd-muted">Sign-in with Hugging Face is not set up on this site.</p>
);

/** The set-up steps, shown by `shinmun serve` (its author) when no client id is configured. */
function Setup(props: { scopes: string }) {
  return (
    <div class="hfd-setup">
      <p>
        <strong>Sign-in with Hugging Face is not configured yet.</strong> To turn it on, set{" "}
        <code>HF_OAUTH_CLIENT_ID: cimd</code> under <code>variables:</code> in{" "}
        <code>config.yml</code> and rebuild: the site publishes its own client metadata, no app
        to register. Or create a public OAuth app at{" "}
        <a href="https://huggingface.co/settings/applications/new">
          huggingface.co/settings/applications/new
        </a>{" "}
        with the redirect URL <code>{defaultRedirectUri()}</code> and the scopes{" "}
        <code>{props.scopes}</code>, and set its client id there instead.
      </p>
      <p class="hfd-muted">
        On a static Hugging Face Space with <code>hf_oauth: true</code>{" "}
        this works with no configuration. Only <code>shinmun serve</code> shows these steps:
        readers of a published site see that sign-in is not set up.
      </p>
    </div>
  );
}

/**
 * The conversation sent with each question is trimmed from its oldest turns to this many
 * characters (about 6,000 tokens): room for the answer even in an 8k-token context.
 */
const MAX_CONVERSATION_CHARS = 24_000;

/** Mount the widget into `el` (once; later calls for the same element do nothing). */
export default function mount(el: HTMLElement): void {
  if (el.dataset.hfdMounted) return;
  el.dataset.hfdMounted = "1";
  addStyles();
  el.classList.add("hfd");
  const config = getConfig();
  const id = el.id || "hf-demo";
  if (!config.clientId) {
    el.replaceChildren(config.devServer ? <Setup scopes={config.scopes} /> : <NotSetUp />);
    return;
  }

  type Phase = "signing-in" | "signed-out" | "signed-in" | "generating";
  let phase: Phase = "signing-in";
  let session: OAuthResult | null = null;
  let controller: AbortController | undefined;
  /** The finished turns, sent again with each question. */
  let history: ChatMessage[] = [];
  /** Whether the turn on show is finished (answered or stopped), not failed. */
  let settled = false;
  const draftKey = `hf-demo:prompt:${location.pathname}#${id}`;
  const saveDraft = () => storage()?.setItem(draftKey, prompt.value);
  const touch = matchMedia("(pointer:coarse)").matches;
  const shortcut = /Mac|iP(hone|ad|od)/.test(navigator.platform) ? "⌘" : "Ctrl";
  const framed = inFrame();

  const account = <div class="hfd-account" /> as HTMLElement;
  const prompt = (
    <textarea
      id={`${id}-prompt`}
      rows={3}
      aria-describedby={`${id}-hint`}
      value={storage()?.getItem(draftKey) ?? ""}
      // The draft survives the sign-in round trip (and reloads) in this tab.
      onInput={saveDraft}
      onKeyDown={(event: KeyboardEvent) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
      }}
    />
  ) as HTMLTextAreaElement;
  const ask = <button class="hfd-btn hfd-primary" type="submit">Ask</button> as HTMLButtonElement;
  const stop = (
    <button class="hfd-btn" type="button" hidden onClick={() => controller?.abort()}>Stop</button>
  ) as HTMLButtonElement;
  const restart = (
    <button class="hfd-btn" type="button" hidden onClick={() => startOver()}>Start over</button>
  ) as HTMLButtonElement;
  const hint = <p class="hfd-muted" id={`${id}-hint`} /> as HTMLElement;
  const status = <p class="hfd-status" role="status" /> as HTMLElement;
  const alert = <p class="hfd-error" role="alert" /> as HTMLElement;
  /** Finished answers are announced here, once, instead of token by token. */
  const said = <div class="hfd-sr" aria-live="polite" /> as HTMLElement;
  const asked = <p class="hfd-q" hidden /> as HTMLElement;
  const thinking = <summary /> as HTMLElement;
  const thought = <p class="hfd-thought" /> as HTMLElement;
  const thoughts = <details hidden>{thinking}{thought}</details> as HTMLDetailsElement;
  const answer = (
    <div class="hfd-answer" id={`${id}-answer`} role="region" aria-label="Answer" tabindex="-1" />
  ) as HTMLElement;
  /** The turn on show; finished turns go before it, in the log. */
  const turn = <div class="hfd-turn">{asked}{thoughts}{answer}</div> as HTMLElement;
  const log = <div class="hfd-log" hidden>{turn}</div> as HTMLElement;
  const form = (
    <form
      class="hfd-form"
      onSubmit={(event: SubmitEvent) => {
        event.preventDefault();
        void generate();
      }}
    >
      <label for={prompt.id}>Your question for {config.model}</label>
      {prompt}
      {hint}
      <div class="hfd-row">{ask}{stop}{restart}{status}</div>
    </form>
  ) as HTMLFormElement;

  el.replaceChildren(account, log, alert, form, said);
  // HF_LOCAL_HUB is set by `shinmun serve --hub local`: say so, the sign-in is not real.
  if (config.localHub) {
    el.prepend(
      <p class="hfd-note">
        Using the local test hub at{" "}
        <code>{config.providerUrl}</code>: sign-in and answers are simulated.
      </p>,
    );
  }
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape") controller?.abort();
  });

  const showError = (error: unknown, code?: string) => {
    alert.textContent = code ? String(error) : describe(error);
    alert.dataset.code = code ?? (error instanceof OAuthError
      ? error.code
      : error instanceof InferenceError
      ? String(error.status)
      : "error");
  };
  const clearError = () => {
    alert.textContent = "";
    delete alert.dataset.code;
  };

  async function signIn(): Promise<void> {
    clearError();
    saveDraft();
    render("signing-in", `Taking you to ${hubName()}…`);
    try {
      location.assign(await generateOAuthLoginUrl());
    } catch (error) {
      showError(error);
      render("signed-out");
    }
  }

  function accountView(): Node {
    if (phase === "signed-out") {
      // In a frame (a Space on huggingface.co) storage is partitioned or refused, and login
      // pages refuse framing: sign-in runs in a tab of this site's own.
      return (
        <div class="hfd-row">
          {framed
            ? (
              <a class="hfd-btn hfd-primary" href={location.href} target="_blank">
                Sign in with Hugging Face in a new tab
              </a>
            )
            : (
              <button class="hfd-btn hfd-primary" type="button" onClick={() => void signIn()}>
                Sign in with Hugging Face
              </button>
            )}
          <span class="hfd-muted">
            {framed
              ? "This page opens in a tab of its own: sign in and ask there. You stay signed in in that tab, not in this frame."
              : "The model runs on your own account; your token stays in this browser tab."}
          </span>
        </div>
      );
    }
    const user = session?.userInfo;
    if (!user) return <p class="hfd-muted">Signing in…</p>;
    const picture = safeUrl(user.picture);
    const profile = safeUrl(user.profile);
    const shownName = user.name || user.preferred_username || user.sub;
    return (
      <div class="hfd-user">
        {picture
          ? (
            <img
              class="hfd-avatar"
              src={picture}
              alt=""
              width="48"
              height="48"
              referrerpolicy="no-referrer"
            />
          )
          : null}
        <div class="hfd-who">
          {profile ? <a href={profile}>{shownName}</a> : <strong>{shownName}</strong>}
          {user.preferred_username
            ? <div class="hfd-muted">@{user.preferred_username}</div>
            : null}
        </div>
        <button
          class="hfd-btn"
          type="button"
          onClick={() => {
            clearError();
            signOut(); // the change event redraws every widget on the page
          }}
        >
          Sign out
        </button>
      </div>
    );
  }

  /** Redraw for a phase; focus goes somewhere sensible if its element just went away. */
  function render(next: Phase, statusText = ""): void {
    const hadFocus = el.contains(document.activeElement);
    phase = next;
    account.replaceChildren(accountView());
    const busy = phase === "generating";
    ask.hidden = busy;
    ask.disabled = phase !== "signed-in";
    stop.hidden = !busy;
    log.hidden = asked.hidden;
    restart.hidden = busy || phase !== "signed-in" || asked.hidden;
    // The shortcut is for keyboards: none is shown on a touch screen.
    hint.textContent = phase === "signed-out"
      ? framed
        ? "Sign in to ask."
        : "Sign in to ask. What you type here is kept while you sign in."
      : (touch ? "" : `${shortcut}+Enter sends. `) + (config.billTo
        ? `Answers are billed to ${config.billTo}.`
        : "Answers use your Hugging Face credits.");
    status.textContent = statusText;
    answer.setAttribute("aria-busy", String(busy));
    const active = document.activeElement as HTMLElement | null;
    if (
      hadFocus &&
      (!active || !el.contains(active) || active.closest("[hidden]") ||
        (active as HTMLButtonElement).disabled)
    ) {
      const target = phase === "signed-out"
        ? account.querySelector("button")
        : busy
        ? stop
        : answer.textContent
        ? answer
        : prompt;
      target?.focus();
    }
  }

  /** The conversation to send: earlier turns, dropped from the oldest while too long. */
  function conversation(question: string): ChatMessage[] {
    const count = () => history.reduce((sum, m) => sum + m.content.length, question.length);
    while (history.length && count() > MAX_CONVERSATION_CHARS) history = history.slice(2);
    return [...history, { role: "user", content: question }];
  }

  async function generate(): Promise<void> {
    const question = prompt.value.trim();
    if (phase !== "signed-in") return;
    if (!question) {
      showError("Type a question first.", "empty");
      prompt.focus();
      return;
    }
    clearError();
    controller = new AbortController();
    if (settled) {
      // The last turn is done: it joins the conversation above.
      turn.before(
        <div class="hfd-turn">
          {asked.cloneNode(true)}
          {thoughts.hidden ? null : thoughts.cloneNode(true)}
          <div class="hfd-answer">{[...answer.childNodes]}</div>
        </div>,
      );
    }
    settled = false;
    asked.textContent = question;
    asked.hidden = thoughts.open = false;
    thoughts.hidden = true;
    thought.textContent = said.textContent = "";
    answer.replaceChildren();
    const show = markdownView(answer);
    prompt.value = "";
    saveDraft();
    render("generating", "Thinking…");
    let text = "";
    try {
      for await (
        const token of chatCompletionStream({
          messages: conversation(question),
          signal: controller.signal,
          onRetry: (code) => {
            status.textContent = `${code === 429 ? "Rate limited" : "Model busy"}, retrying…`;
          },
          onReasoning: (piece) => {
            thoughts.hidden = false;
            thinking.textContent = "Thinking…";
            thought.append(piece); // text, as it comes
          },
        })
      ) {
        if (!text) {
          status.textContent = "Answering…";
          thinking.textContent = "Reasoning";
        }
        show((text += token));
      }
      settled = true;
      said.textContent = answer.innerText;
      refresh();
      if (!text) status.textContent = "No answer came back.";
    } catch (error) {
      const stopped = error instanceof DOMException && error.name === "AbortError";
      settled = stopped;
      if (!stopped) {
        showError(error);
        if (!prompt.value) prompt.value = question; // to ask again
        saveDraft();
      }
      session = loadSavedOAuthResult(); // a 401 has signed out (the question is kept)
      if (stopped && !session) forget(); // stopped by signing out
      render(session ? "signed-in" : "signed-out", stopped && session ? "Stopped." : "");
    } finally {
      controller = undefined;
      if (settled && text) {
        history.push({ role: "user", content: question }, { role: "assistant", content: text });
      }
    }
  }

  /** Forget the conversation (Start over, or signing out). */
  function startOver(): void {
    history = [];
    settled = false;
    log.replaceChildren(turn);
    answer.replaceChildren();
    asked.hidden = thoughts.hidden = true;
    asked.textContent = thinking.textContent = thought.textContent = said.textContent = "";
    clearError();
    render(phase); // focus moves on from the vanished button
  }

  const refresh = () => {
    session = loadSavedOAuthResult();
    render(session ? "signed-in" : "signed-out");
  };
  /** Signed out: the next person at this browser sees nothing of the last one's questions. */
  const forget = () => {
    prompt.value = "";
    storage()?.removeItem(draftKey);
    startOver();
  };
  // Another widget on the page (or this one) signed in or out.
  addEventListener(OAUTH_CHANGE_EVENT, () => {
    if (phase === "generating") {
      if (!loadSavedOAuthResult()) controller?.abort(); // stop spending the old token
      return;
    }
    const before = session;
    refresh();
    if (before && !session) forget();
  });
  // Back from Hugging Face without signing in, the page may come from the back-forward cache
  // still saying "Taking you to Hugging Face".
  addEventListener("pageshow", (event) => event.persisted && phase === "signing-in" && refresh());

  render("signing-in");
  handleOAuthRedirect().then(
    (result) => {
      refresh();
      // Just back from Hugging Face: ready to ask (the first widget of the page takes focus).
      if (result && session && document.activeElement === document.body) prompt.focus();
    },
    (error: unknown) => {
      showError(error);
      refresh();
    },
  );
}
