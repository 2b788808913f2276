/**
 * hf-oauth.ts: "Sign in with Hugging Face" (OAuth 2.0 authorization code flow with PKCE, OpenID
 * Connect) and streaming chat completions with the visitor's own token. Browser only, no
 * dependencies. Reference: shared/reference/huggingface-oauth.md.
 *
 * This module is the library's public API and its only contact with the page: it reads the
 * window variables, the address bar and this tab's sessionStorage, and hands them to the modules
 * in hf-oauth/, which take every input explicitly:
 *   config.ts        the configuration, from an object of globals (the variables are listed there)
 *   oauth.ts         the sign-in's protocol steps: discovery, authorize URL, code exchange
 *   id-token.ts      the id_token's checks, given the token, the expected values and a JWKS
 *   session.ts       the sign-in, attempts and callback outcome kept in a given store
 *   inference.ts     a streamed chat completion, given the URL, token and model
 *   event-stream.ts  the server-sent events of a response body
 *   checks.ts, json.ts  the OAuthError every check throws; reading untrusted JSON
 *
 * Sign-in comes back to the callback page, which completes it and returns to the page it started
 * from (kept only in the attempt's record, and only a path inside the site). Each security check
 * cites the spec section it enforces and fails with an `OAuthError` carrying a stable `code`.
 */
import { CALLBACK_PATH, type HfConfig, readConfig, trimSlash } from "./hf-oauth/config.ts";
import { check, OAuthError } from "./hf-oauth/checks.ts";
import { type ChatOptions, completionStream, InferenceError } from "./hf-oauth/inference.ts";
import {
  authorizationRequest,
  discover,
  exchangeCode,
  type OAuthResult,
  returnPath,
} from "./hf-oauth/oauth.ts";
import {
  forget,
  loadResult,
  pruneAttempts,
  saveAttempt,
  saveOutcome,
  saveResult,
  storage,
  takeAttempt,
  takeOutcome,
} from "./hf-oauth/session.ts";

export { CALLBACK_PATH, DEFAULT_MODEL, DEFAULT_SCOPES, type HfConfig } from "./hf-oauth/config.ts";
export { OAuthError } from "./hf-oauth/checks.ts";
export { type ChatMessage, type ChatOptions, InferenceError } from "./hf-oauth/inference.ts";
export type { OAuthResult, OrgInfo, UserInfo } from "./hf-oauth/oauth.ts";
export { storage } from "./hf-oauth/session.ts";

/** Fired on `window` whenever the stored sign-in changes (sign-in, sign-out, 401). */
export const OAUTH_CHANGE_EVENT = "hf-oauth-change";

export interface LoginOptions {
  /** Overrides HF_OAUTH_REDIRECT_URI and the page URL. Must be registered with the app. */
  redirectUri?: string;
  scopes?: string;
  /** "consent" forces the consent screen even for an app already approved. */
  prompt?: "consent";
  orgIds?: string;
  config?: Partial<HfConfig>;
}

/** The configuration from window globals (see hf-oauth/config.ts). */
export function getConfig(): HfConfig {
  return readConfig(globalThis);
}

/** The callback page at this origin: what to register as the app's redirect URL. */
export const defaultRedirectUri = (): string =>
  location.origin + getConfig().basePath + CALLBACK_PATH;

/** In a frame (a Space's page on huggingface.co): sign in in a top-level tab instead. */
export const inFrame = (): boolean => self !== top;

const notify = () => dispatchEvent(new Event(OAUTH_CHANGE_EVENT));

// --- sign in -------------------------------------------------------------------------------

/**
 * Prepare a sign-in: fetch the provider's metadata, create this attempt's PKCE verifier, state
 * and nonce (kept in sessionStorage under a key of its own), and return the authorize URL to
 * navigate to.
 */
export async function generateOAuthLoginUrl(options: LoginOptions = {}): Promise<string> {
  const config = { ...getConfig(), ...options.config };
  const clientId = config.clientId;
  check(clientId, "not_configured", "RFC 6749 §2.2", "No OAuth client id is configured");
  // RFC 7636 §4.2: S256 needs WebCrypto, which browsers only offer in secure contexts.
  check(crypto.subtle, "insecure_context", "RFC 7636 §4.2", "Sign-in needs an https page");
  const store = storage();
  // RFC 9700 §4.7.1: the attempt must be kept in this tab (a framed page may have no storage).
  check(store, "no_storage", "RFC 9700 §4.7.1", "This page may not keep data here");

  const server = await discover(trimSlash(config.providerUrl));
  const { url, state, attempt } = await authorizationRequest(server, {
    clientId,
    redirectUri: options.redirectUri ?? config.redirectUri ?? defaultRedirectUri(),
    scope: options.scopes ?? config.scopes,
    prompt: options.prompt,
    orgIds: options.orgIds ?? config.orgIds,
    returnTo: location.pathname + location.search + location.hash,
  });
  pruneAttempts(store);
  saveAttempt(store, state, attempt);
  return url;
}

let redirectHandling: Promise<OAuthResult | null> | undefined;

/**
 * Complete a sign-in if this page is the redirect back from the provider: returns the result
 * (also stored), `null` when the URL is not a redirect, or throws `OAuthError`. The callback
 * page takes the outcome back to the page the sign-in started from, where this resolves (or
 * throws) the same. Safe to call from several widgets on one page: it runs once.
 */
export function handleOAuthRedirect(): Promise<OAuthResult | null> {
  return (redirectHandling ??= completeRedirect());
}

async function completeRedirect(): Promise<OAuthResult | null> {
  const url = new URL(location.href);
  const query = url.searchParams;
  const [code, state, error, description, iss] = [
    "code",
    "state",
    "error",
    "error_description",
    "iss",
  ].map((k) => query.get(k));
  const store = storage();
  if (!code && !error) {
    // Back from the callback page: its outcome, once.
    const returned = takeOutcome(store);
    if (!returned) return null;
    if (returned.code) throw new OAuthError(String(returned.code), String(returned.message));
    return loadSavedOAuthResult();
  }

  // RFC 9700 §4.2.4 and §4.3.1: take code and state out of the address bar (Referer, history,
  // bookmarks) before anything else can fail or wait.
  for (const key of ["code", "state", "error", "error_description", "error_uri", "iss"]) {
    query.delete(key);
  }
  history.replaceState(history.state, "", url.href);

  // RFC 6749 §10.12, RFC 9700 §4.7.1: the state must be one this tab created, and it is
  // removed before anything else: single use.
  const attempt = takeAttempt(store, state);
  check(
    attempt,
    "state_mismatch",
    "RFC 9700 §4.7.1",
    "This sign-in response was not started in this tab, or was already used",
  );
  const back = returnPath(attempt.returnTo, location, getConfig().basePath);
  const away = back && back != location.pathname + location.search + location.hash;
  const leave = (outcome: { code?: string; message?: string }) => {
    saveOutcome(store, outcome);
    location.replace(back!);
    return new Promise<never>(() => {}); // the page is going away
  };
  try {
    const result = await exchangeCode(attempt, code, error, description, iss);
    saveResult(store, result);
    pruneAttempts(store, true); // the abandoned sign-ins of this tab are of no use any more
    if (away) return leave({});
    notify();
    return result;
  } catch (failure) {
    if (away && failure instanceof OAuthError) {
      return leave({ code: failure.code, message: failure.message });
    }
    throw failure;
  }
}

/** The stored sign-in of this tab, or `null` when there is none or its token has expired. */
export function loadSavedOAuthResult(): OAuthResult | null {
  return loadResult(storage());
}

/**
 * Forget this tab's sign-in. Hugging Face has no revocation endpoint: the token stays valid
 * until it expires or the user revokes the app in their Connected Applications settings.
 */
export function signOut(): void {
  forget(storage()); // and the unfinished sign-ins
  notify();
}

// --- inference -----------------------------------------------------------------------------

/**
 * Stream a chat completion from `POST {HF_INFERENCE_URL}/chat/completions`, yielding the
 * answer's text as it arrives (a reasoning model's thinking goes to `onReasoning` instead).
 * Throws `InferenceError` (a 401 also signs out; status 0 for an error in the stream, or a
 * stream cut off before `[DONE]`), `OAuthError` "insecure_endpoint" for a plain-http URL that
 * is not loopback, or the signal's AbortError.
 */
export async function* chatCompletionStream(options: ChatOptions): AsyncGenerator<string, void> {
  const token = options.accessToken ?? loadSavedOAuthResult()?.accessToken;
  if (!token) {
    signOut(); // the stored token has expired: tell every widget
    throw new InferenceError("Sign in with Hugging Face first", 401);
  }
  try {
    yield* completionStream(options, token, getConfig());
  } catch (failure) {
    // expired, invalid or revoked: sign in again
    if ((failure as InferenceError).status === 401) signOut();
    throw failure;
  }
}

/** `chatCompletionStream` with a callback per token; resolves to the whole answer. */
export async function streamChat(options: ChatOptions): Promise<string> {
  let answer = "";
  for await (const token of chatCompletionStream(options)) {
    answer += token;
    options.onToken?.(token);
  }
  return answer;
}
