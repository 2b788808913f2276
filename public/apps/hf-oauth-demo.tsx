/**
 * hf-oauth-demo.tsx: the "Sign in with Hugging Face" widget. Ask a chat model a question with
 * your own Hugging Face account; the answer streams in. Everything runs in the browser.
 *
 * Mounting: the default export `mount(el)` renders the widget into `el`. The engine's directive
 * `@@typescript-file[hf-demo](public/apps/hf-oauth-demo.tsx)` makes `<div id="hf-demo">`, and the
 * bundler calls `mount` for each such element (a page may hold several; they share the sign-in,
 * which lives in sessionStorage). Configuration: see hf-oauth.ts.
 *
 * Rendering: the project's tiny JSX runtime makes real DOM nodes; parts that change are redrawn
 * with `replaceChildren`, and text only ever enters the page as text nodes (never as HTML).
 *
 * Styles: one stylesheet, built here and adopted by the document once (`adoptedStyleSheets`,
 * which a `style-src 'self'` Content-Security-Policy allows, unlike `<style>` elements or
 * `style=` attributes). All classes start with `hfd-`; colours come from the theme's custom
 * properties (--fg, --surface, --accent...) with light and dark fallbacks for other themes.
 */
import {
  chatCompletionStream,
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

const CSS = `
.hfd{
--hfd-fg:var(--fg,#1f2328);--hfd-bg:var(--surface,#f6f8fa);--hfd-page:var(--bg,#fff);
--hfd-muted:var(--muted,#57606a);--hfd-line:var(--border,#d0d7de);
--hfd-accent:var(--accent,#0b57d0);--hfd-on-accent:var(--accent-fg,#fff);
--hfd-focus:var(--focus,#b45309);--hfd-error:var(--error,#b42318);--hfd-r:var(--radius,6px);
color:var(--hfd-fg);background:var(--hfd-bg);border:1px solid var(--hfd-line);
border-radius:calc(var(--hfd-r) + 2px);padding:1rem;margin:1.5rem 0;line-height:1.5;
overflow-wrap:anywhere}
@media (prefers-color-scheme:dark){.hfd{
--hfd-fg:var(--fg,#e6edf3);--hfd-bg:var(--surface,#161b22);--hfd-page:var(--bg,#0d1117);
--hfd-muted:var(--muted,#9da7b3);--hfd-line:var(--border,#30363d);
--hfd-accent:var(--accent,#79b8ff);--hfd-on-accent:var(--accent-fg,#0d1117);
--hfd-focus:var(--focus,#f0b429);--hfd-error:var(--error,#ff9492)}}
.hfd *{box-sizing:border-box}
.hfd [hidden]{display:none!important}
.hfd p,.hfd ol{margin:0}
.hfd ol{padding-left:1.5rem}
.hfd>:not(:first-child,:empty),.hfd-setup>:not(:first-child){margin-top:.75rem}
.hfd-form{display:grid;gap:.5rem}
.hfd a{color:var(--hfd-accent)}
.hfd :focus-visible{outline:3px solid var(--hfd-focus);outline-offset:2px}
.hfd-muted,.hfd-status{color:var(--hfd-muted);font-size:.9375rem}
.hfd-note{border:1px dashed var(--hfd-line);border-radius:var(--hfd-r);padding:.25rem .5rem;
font-size:.875rem}
.hfd-row,.hfd-user{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem .75rem}
.hfd-who{flex:1 1 8rem;min-width:0}
.hfd-who a{font-weight:600}
.hfd .hfd-avatar{width:48px;height:48px;border-radius:50%;flex:none;background:var(--hfd-line)}
.hfd-btn{font:inherit;min-height:44px;padding:.5rem 1rem;border-radius:var(--hfd-r);
border:1px solid var(--hfd-muted);background:var(--hfd-page);color:var(--hfd-fg);cursor:pointer}
.hfd-primary{background:var(--hfd-accent);color:var(--hfd-on-accent);
border-color:var(--hfd-accent);font-weight:600}
.hfd a.hfd-btn{display:inline-flex;align-items:center;text-decoration:none;color:var(--hfd-on-accent)}
.hfd-btn:disabled{opacity:.6;cursor:not-allowed}
.hfd label{font-weight:600}
.hfd textarea{display:block;width:100%;font:inherit;padding:.5rem;border-radius:var(--hfd-r);
border:1px solid var(--hfd-muted);background:var(--hfd-page);color:var(--hfd-fg);resize:vertical}
.hfd-answer{white-space:pre-wrap;background:var(--hfd-page);border:1px solid var(--hfd-line);
border-radius:var(--hfd-r);padding:.75rem}
.hfd-answer:empty{padding:0;border:0}
.hfd-error:not(:empty){color:var(--hfd-error);border-left:4px solid currentColor;padding-left:.5rem}
`;

let styled = false;

/** Adopt the stylesheet once per document. */
function addStyles(): void {
  if (styled) return;
  styled = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** Only http(s) URLs from the profile are used as links and images. */
const safeUrl = (url: unknown): string | undefined =>
  typeof url === "string" && /^https?:\/\//i.test(url) ? url : undefined;

/** What went wrong, in words for the visitor (always used as text). */
function describe(error: unknown): string {
  if (error instanceof OAuthError) {
    return error.code === "access_denied"
      ? `Sign-in cancelled: the app was not approved on Hugging Face (${error.message}).`
      : `${error.code === "insecure_endpoint" ? "Not sent" : "Sign-in failed"}: ${error.message}.`;
  }
  if (error instanceof InferenceError) {
    const id = error.requestId ? ` (request id ${error.requestId})` : "";
    const why: Record<number, string> = {
      0: `The model stopped with an error: ${error.message}.`,
      401:
        "Your Hugging Face session has expired or the app's access was revoked. Please sign in again.",
      402:
        `You have no inference credits left on Hugging Face: add credits or upgrade to PRO in your Hugging Face billing settings, then try again. (${error.message})`,
      403:
        `Your sign-in lacks the inference-api scope: check HF_OAUTH_SCOPES, then sign in again. (${error.message})`,
      429: "Hugging Face is rate-limiting your requests. Wait a minute, then try again.",
      503:
        "The model is unavailable right now (its providers are busy or down). Try again later or use another model.",
    };
    return (why[error.status] ?? `Inference failed (HTTP ${error.status}): ${error.message}.`) + id;
  }
  if (error instanceof TypeError) {
    return "Could not reach Hugging Face. Check your connection and try again.";
  }
  return String(error instanceof Error ? error.message : error);
}

const isAbort = (error: unknown) => error instanceof DOMException && error.name === "AbortError";

/** The setup instructions shown when no client id is configured. */
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
        this works with no configuration.
      </p>
    </div>
  );
}

/** Mount the widget into `el` (once; later calls for the same element do nothing). */
export default function mount(el: HTMLElement): void {
  if (el.dataset.hfdMounted) return;
  el.dataset.hfdMounted = "1";
  addStyles();
  el.classList.add("hfd");
  const config = getConfig();
  const id = el.id || "hf-demo";
  if (!config.clientId) {
    el.replaceChildren(<Setup scopes={config.scopes} />);
    return;
  }

  type Phase = "signing-in" | "signed-out" | "signed-in" | "generating";
  let phase: Phase = "signing-in";
  let session: OAuthResult | null = null;
  let controller: AbortController | undefined;
  const draftKey = `hf-demo:prompt:${location.pathname}#${id}`;
  const framed = inFrame();

  const account = <div class="hfd-account" /> as HTMLElement;
  const prompt = (
    <textarea
      id={`${id}-prompt`}
      rows={3}
      aria-describedby={`${id}-hint`}
      value={storage()?.getItem(draftKey) ?? ""}
      // The draft survives the sign-in round trip (and reloads) in this tab.
      onInput={() => storage()?.setItem(draftKey, prompt.value)}
      onKeyDown={(event: KeyboardEvent) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
      }}
    />
  ) as HTMLTextAreaElement;
  const ask = <button class="hfd-btn hfd-primary" type="submit">Ask</button> as HTMLButtonElement;
  const stop = (
    <button class="hfd-btn" type="button" hidden onClick={() => controller?.abort()}>Stop</button>
  ) as HTMLButtonElement;
  const hint = <p class="hfd-muted" id={`${id}-hint`} /> as HTMLElement;
  const status = <p class="hfd-status" role="status" /> as HTMLElement;
  const alert = <p class="hfd-error" role="alert" /> as HTMLElement;
  const answer = (
    <div
      class="hfd-answer"
      id={`${id}-answer`}
      role="region"
      aria-label="Answer"
      aria-live="polite"
      tabindex="-1"
    />
  ) as HTMLElement;
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
      <div class="hfd-row">{ask}{stop}{status}</div>
    </form>
  ) as HTMLFormElement;

  // HF_LOCAL_HUB is set by `shinmun serve --hub local`: say so, the sign-in is not real.
  const note = config.localHub && (
    <p class="hfd-note">
      Using the local test hub at{" "}
      <code>{config.providerUrl}</code>: sign-in and answers are simulated.
    </p>
  );
  el.replaceChildren(...(note ? [note] : []), account, form, alert, answer);
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && controller) controller.abort();
  });

  const showError = (error: unknown) => {
    alert.textContent = describe(error);
    alert.dataset.code = error instanceof OAuthError
      ? error.code
      : error instanceof InferenceError
      ? String(error.status)
      : "error";
  };
  const clearError = () => {
    alert.textContent = "";
    delete alert.dataset.code;
  };

  async function signIn(): Promise<void> {
    clearError();
    storage()?.setItem(draftKey, prompt.value);
    render("signing-in", "Taking you to Hugging Face…");
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
    hint.textContent = phase !== "signed-out"
      ? "Ctrl+Enter sends."
      : framed
      ? "Sign in to ask."
      : "Sign in to ask. What you type here is kept while you sign in.";
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

  async function generate(): Promise<void> {
    const question = prompt.value.trim();
    if (phase !== "signed-in" || !question) return;
    clearError();
    controller = new AbortController();
    const text = document.createTextNode("");
    answer.replaceChildren(text);
    render("generating", "Thinking…");
    try {
      for await (
        const token of chatCompletionStream({
          messages: [{ role: "user", content: question }],
          signal: controller.signal,
          onRetry: (code) => {
            status.textContent = `${code === 429 ? "Rate limited" : "Model busy"}, retrying…`;
          },
        })
      ) {
        if (status.textContent) status.textContent = "";
        text.appendData(token); // tokens are text, never markup
      }
      refresh();
    } catch (error) {
      const stopped = isAbort(error);
      if (!stopped) showError(error);
      session = loadSavedOAuthResult(); // a 401 has signed out (the question is kept)
      if (stopped && !session) forget(); // stopped by signing out
      render(session ? "signed-in" : "signed-out", stopped && session ? "Stopped." : "");
    } finally {
      controller = undefined;
    }
  }

  const refresh = () => {
    session = loadSavedOAuthResult();
    render(session ? "signed-in" : "signed-out");
  };
  /** Signed out: the next person at this browser sees nothing of the last one's questions. */
  const forget = () => {
    answer.replaceChildren();
    prompt.value = "";
    storage()?.removeItem(draftKey);
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

  render("signing-in", "");
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
