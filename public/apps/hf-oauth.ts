/**
 * hf-oauth.ts: "Sign in with Hugging Face" (OAuth 2.0 authorization code flow with PKCE, OpenID
 * Connect) and streaming chat completions with the visitor's own token. Browser only, no
 * dependencies. Reference: shared/reference/huggingface-oauth.md.
 *
 * Configuration: window globals, written by the engine's `variables_script_tag()` from config.yml
 * `variables:` (all optional except the client id):
 *   HF_OAUTH_CLIENT_ID      the OAuth app's client id (a public app: no secret, ever)
 *   HF_OAUTH_SCOPES         default "openid profile inference-api"
 *   HF_OPENID_PROVIDER_URL  default "https://huggingface.co"
 *   HF_INFERENCE_URL        default "https://router.huggingface.co/v1"
 *   HF_INFERENCE_MODEL      default DEFAULT_MODEL below (a ":fastest"-style suffix is allowed)
 *   HF_INFERENCE_BILL_TO    an organisation to bill instead of the visitor (X-HF-Bill-To)
 *   HF_OAUTH_ORG_IDS        the authorize URL's `orgIds`: organisations to offer access to
 *   HF_OAUTH_REDIRECT_URI   default: the site's callback page, /oauth/callback/huggingface/
 *                           under HF_BASE_PATH, at this page's origin
 *   HF_BASE_PATH            the site's `base_path` (the build sets it): the callback page's
 *                           folder, and where a sign-in may return to
 *   HF_LOCAL_HUB            `true` when `shinmun serve --hub local` points the URLs above at the
 *                           local test hub; the widget then shows "Using the local test hub".
 *   HF_DEV_SERVER           `true` in every `shinmun serve` build: an unconfigured widget shows
 *                           its author the set-up steps there, and readers elsewhere a short note.
 * Without HF_OAUTH_CLIENT_ID, a static Hugging Face Space's `window.huggingface.variables`
 * (OAUTH_CLIENT_ID, OAUTH_SCOPES, OPENID_PROVIDER_URL) are used instead.
 *
 * Storage: sessionStorage only (per tab, cleared when the tab closes; never localStorage), keys
 * prefixed "hf-oauth:"; every access is guarded, since a framed page may get no storage at all.
 * Sign-in comes back to the callback page, which completes it and returns to the page it started
 * from (kept only in the attempt's record, and only a path inside the site). Each security check cites the spec section it enforces and fails with an
 * `OAuthError` carrying a stable `code`.
 */

/** The one place the default model is named: small, and served for chat by several providers. */
export const DEFAULT_MODEL = "openai/gpt-oss-20b";
export const DEFAULT_SCOPES = "openid profile inference-api";
/** Fired on `window` whenever the stored sign-in changes (sign-in, sign-out, 401). */
export const OAUTH_CHANGE_EVENT = "hf-oauth-change";

const CLOCK_SKEW_MS = 60_000;
const ATTEMPT_TTL_MS = 10 * 60_000;
const DEFAULT_TOKEN_LIFE_S = 28_800; // Hugging Face's documented default (8 h)
const MAX_RETRIES = 2;
const MAX_RETRY_AFTER_MS = 10_000;
/** Even after `Retry-After: 0`: a pause that is polite, and long enough to read "retrying". */
const MIN_RETRY_DELAY_MS = 1_000;
const RESULT_KEY = "hf-oauth:result";
const ATTEMPT_PREFIX = "hf-oauth:attempt:";
const RETURN_KEY = "hf-oauth:returned";
/** The callback page, below the site's base path (Hugging Face's docs use this path). */
export const CALLBACK_PATH = "/oauth/callback/huggingface/";

// --- types -------------------------------------------------------------------------------

export interface OrgInfo {
  sub: string;
  name: string;
  preferred_username: string;
  picture: string;
  plan?: string;
  roleInOrg?: string;
  /** Only with scope `read-billing`. */
  canPay?: boolean;
  securityRestrictions?: string[];
}

/** The OpenID userinfo of a Hugging Face account. */
export interface UserInfo {
  sub: string;
  /** Only with scope `profile` (as are the three after it). */
  name?: string;
  preferred_username?: string;
  /** Profile page URL. */
  profile?: string;
  /** Avatar URL. */
  picture?: string;
  website?: string;
  /** Only with scope `email`. */
  email?: string;
  /** Only with scope `email`. */
  email_verified?: boolean;
  isPro: boolean;
  /** Only with scope `read-billing`. */
  canPay?: boolean;
  orgs: OrgInfo[];
}

export interface OAuthResult {
  accessToken: string;
  accessTokenExpiresAt: Date;
  userInfo: UserInfo;
  /** Scopes granted (space separated). */
  scope: string;
}

export interface HfConfig {
  clientId?: string;
  scopes: string;
  providerUrl: string;
  inferenceUrl: string;
  model: string;
  redirectUri?: string;
  localHub: boolean;
  /** Built by `shinmun serve` (HF_DEV_SERVER): the author, not a reader, is looking. */
  devServer: boolean;
  billTo?: string;
  orgIds?: string;
  /** The site's base path ("" or "/blog"). */
  basePath: string;
}

export interface LoginOptions {
  /** Overrides HF_OAUTH_REDIRECT_URI and the page URL. Must be registered with the app. */
  redirectUri?: string;
  scopes?: string;
  /** "consent" forces the consent screen even for an app already approved. */
  prompt?: "consent";
  orgIds?: string;
  config?: Partial<HfConfig>;
}

/** A failed sign-in. `code` is the provider's error (e.g. "access_denied") or one of ours. */
export class OAuthError extends Error {
  declare readonly code: string; // `declare`: no class-field helper in the es2020 bundle
  constructor(code: string, message: string) {
    super(message);
    this.name = "OAuthError";
    this.code = code;
  }
}

/** A failed inference request; `status` 0 means an error reported inside the stream. */
export class InferenceError extends Error {
  declare readonly status: number;
  declare readonly requestId?: string;
  constructor(message: string, status: number, requestId?: string) {
    super(message);
    this.name = "InferenceError";
    this.status = status;
    this.requestId = requestId;
  }
}

interface Attempt {
  verifier: string;
  nonce: string;
  createdAt: number;
  clientId: string;
  issuer: string;
  redirectUri: string;
  scope: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  jwksUri: string;
  /** The provider's id_token_signing_alg_values_supported. */
  algs: unknown[];
  /** The page to go back to: a path inside the site. */
  returnTo: string;
}

type Json = Record<string, unknown>;

// --- configuration -------------------------------------------------------------------------

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() ? v.trim() : undefined;
const trimSlash = (url: string) => url.replace(/\/+$/, "");

/** The configuration from window globals (see the module comment). */
export function getConfig(): HfConfig {
  const g = globalThis as unknown as Json & { huggingface?: { variables?: Json } };
  const space = g.huggingface?.variables ?? {};
  const own = text(g.HF_OAUTH_CLIENT_ID);
  // A static Space's injected values belong together: use them as a set, or not at all.
  const pick = (key: string, spaceKey: string, fallback: string) =>
    (own ? text(g[key]) : text(space[spaceKey]) ?? text(g[key])) ?? fallback;
  return {
    clientId: own ?? text(space.OAUTH_CLIENT_ID),
    scopes: pick("HF_OAUTH_SCOPES", "OAUTH_SCOPES", DEFAULT_SCOPES),
    providerUrl: trimSlash(
      pick("HF_OPENID_PROVIDER_URL", "OPENID_PROVIDER_URL", "https://huggingface.co"),
    ),
    inferenceUrl: trimSlash(text(g.HF_INFERENCE_URL) ?? "https://router.huggingface.co/v1"),
    model: text(g.HF_INFERENCE_MODEL) ?? DEFAULT_MODEL,
    redirectUri: text(g.HF_OAUTH_REDIRECT_URI),
    localHub: g.HF_LOCAL_HUB === true,
    devServer: g.HF_DEV_SERVER === true,
    billTo: text(g.HF_INFERENCE_BILL_TO),
    orgIds: text(g.HF_OAUTH_ORG_IDS),
    basePath: trimSlash(text(g.HF_BASE_PATH) ?? ""),
  };
}

/** The callback page at this origin: what to register as the app's redirect URL. */
export const defaultRedirectUri = (): string =>
  location.origin + getConfig().basePath + CALLBACK_PATH;

/** In a frame (a Space's page on huggingface.co): sign in in a top-level tab instead. */
export const inFrame = (): boolean => self !== top;

/** This tab's sessionStorage, or null where the browser refuses it (third-party frames). */
export function storage(): Storage | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}

// --- small helpers -------------------------------------------------------------------------

function check(ok: unknown, code: string, spec: string, message: string): asserts ok {
  if (!ok) throw new OAuthError(code, `${message} (${spec})`);
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

const randomString = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

function readJson(key: string): Json | null {
  try {
    const value = JSON.parse(storage()?.getItem(key) ?? "null") as unknown;
    return value && typeof value === "object" ? (value as Json) : null;
  } catch {
    return null;
  }
}

const notify = () => dispatchEvent(new Event(OAUTH_CHANGE_EVENT));

/**
 * RFC 6749 §3.1, §3.2 and RFC 6750 §5.3: the provider's endpoints (discovery included) and the
 * inference URL, which gets the bearer token, need TLS; plain http only on loopback (the local
 * hub).
 */
function checkEndpoint(url: unknown, name: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(url));
  } catch {
    // reported below
  }
  check(
    parsed &&
      (parsed.protocol === "https:" ||
        (parsed.protocol === "http:" &&
          /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(parsed.hostname))),
    "insecure_endpoint",
    "RFC 6749 §3.1, §3.2",
    `The provider's ${name} must be an https URL`,
  );
  return parsed.href;
}

async function getJson(response: Response): Promise<Json> {
  const body = (await response.json().catch(() => null)) as unknown;
  return body && typeof body === "object" ? (body as Json) : {};
}

// --- sign in -------------------------------------------------------------------------------

/** Forget sign-in attempts older than 10 minutes (abandoned logins), or all of them. */
function pruneAttempts(all?: boolean): void {
  const store = storage();
  for (let i = (store?.length ?? 0) - 1; i >= 0; i--) {
    const key = store!.key(i);
    if (key?.startsWith(ATTEMPT_PREFIX)) {
      const created = readJson(key)?.createdAt;
      if (all || !(typeof created === "number" && Date.now() - created <= ATTEMPT_TTL_MS)) {
        store!.removeItem(key);
      }
    }
  }
}

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

  const issuer = trimSlash(config.providerUrl);
  const response = await fetch(
    checkEndpoint(`${issuer}/.well-known/openid-configuration`, "address"),
  );
  check(
    response.ok,
    "discovery_failed",
    "OpenID Connect Discovery 1.0 §4",
    `Could not read the provider's configuration (HTTP ${response.status})`,
  );
  const meta = await getJson(response);
  // OpenID Connect Discovery 1.0 §4.3: the document must name exactly the issuer we asked.
  check(
    meta.issuer === issuer,
    "issuer_mismatch",
    "OpenID Connect Discovery 1.0 §4.3",
    `The provider's configuration names issuer "${String(meta.issuer)}", not "${issuer}"`,
  );
  const methods = meta.code_challenge_methods_supported;
  // RFC 8414 §2: when the provider lists its PKCE methods, S256 must be among them.
  check(
    !Array.isArray(methods) || methods.includes("S256"),
    "pkce_unsupported",
    "RFC 8414 §2",
    "The provider does not support PKCE S256",
  );

  // RFC 7636 §4.1: a verifier of 32 random bytes (43 base64url characters); §4.2: S256.
  const verifier = randomString();
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  // RFC 6749 §10.12 and OpenID Connect Core §3.1.2.1: fresh state and nonce per attempt.
  const state = randomString();
  const attempt: Attempt = {
    verifier,
    nonce: randomString(),
    createdAt: Date.now(),
    clientId,
    issuer,
    redirectUri: options.redirectUri ?? config.redirectUri ?? defaultRedirectUri(),
    // Separated by single spaces (RFC 6749 §3.3), however the configuration separates them.
    scope: (options.scopes ?? config.scopes).replace(/\s+/g, " ").trim(),
    tokenEndpoint: checkEndpoint(meta.token_endpoint, "token endpoint"),
    userinfoEndpoint: checkEndpoint(
      meta.userinfo_endpoint ?? `${issuer}/oauth/userinfo`,
      "userinfo endpoint",
    ),
    jwksUri: checkEndpoint(meta.jwks_uri ?? `${issuer}/oauth/jwks`, "JWKS"),
    algs: (meta.id_token_signing_alg_values_supported as unknown[]) ?? ["RS256"],
    returnTo: location.pathname + location.search + location.hash,
  };
  const url = new URL(checkEndpoint(meta.authorization_endpoint, "authorization endpoint"));
  const params: Record<string, string | undefined> = {
    client_id: clientId,
    redirect_uri: attempt.redirectUri,
    scope: attempt.scope,
    response_type: "code",
    state,
    nonce: attempt.nonce,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: "S256",
    prompt: options.prompt,
    orgIds: options.orgIds ?? config.orgIds,
  };
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);

  pruneAttempts();
  // RFC 9700 §4.7.1: bound to this browser tab, under a key of its own (parallel logins).
  store.setItem(ATTEMPT_PREFIX + state, JSON.stringify(attempt));
  return url.href;
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

/**
 * The path a sign-in may return to: a page of this site at this origin, nothing else (RFC 9700
 * §4.11.2: no open redirector), even from a tampered record.
 */
function returnPath(path: unknown): string | undefined {
  try {
    const url = new URL(String(path), location.href);
    if (
      typeof path == "string" && path[0] == "/" && url.origin == location.origin &&
      url.pathname.startsWith(getConfig().basePath + "/")
    ) return url.pathname + url.search + url.hash;
  } catch {
    // not a URL at all ("//["): nowhere to return to
  }
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
  if (!code && !error) {
    // Back from the callback page: its outcome, once.
    const returned = readJson(RETURN_KEY);
    if (!returned) return null;
    storage()?.removeItem(RETURN_KEY);
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
  const key = ATTEMPT_PREFIX + (state ?? "");
  const attempt = state ? (readJson(key) as Attempt | null) : null;
  storage()?.removeItem(key);
  check(
    attempt,
    "state_mismatch",
    "RFC 9700 §4.7.1",
    "This sign-in response was not started in this tab, or was already used",
  );
  const back = returnPath(attempt.returnTo);
  const away = back && back != location.pathname + location.search + location.hash;
  const leave = (outcome: Json) => {
    storage()?.setItem(RETURN_KEY, JSON.stringify(outcome));
    location.replace(back!);
    return new Promise<never>(() => {}); // the page is going away
  };
  try {
    const result = await exchangeCode(attempt, code, error, description, iss);
    pruneAttempts(true); // the abandoned sign-ins of this tab are of no use any more
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

async function exchangeCode(
  attempt: Attempt,
  code: string | null,
  error: string | null,
  description: string | null,
  iss: string | null,
): Promise<OAuthResult> {
  // RFC 9700 §4.7.1: a login attempt is only valid for a short time (10 minutes here).
  check(
    Date.now() - attempt.createdAt <= ATTEMPT_TTL_MS,
    "state_expired",
    "RFC 9700 §4.7.1",
    "The sign-in took more than 10 minutes; please try again",
  );
  // RFC 9207 §2.4: accept `iss` when present (Hugging Face does not send it), never require it.
  check(
    iss === null || iss === attempt.issuer,
    "iss_mismatch",
    "RFC 9207 §2.4",
    "The sign-in response came from another issuer",
  );
  // RFC 6749 §4.1.2.1: the provider's error, reported as plain text by the caller.
  if (error) throw new OAuthError(error, description || error);
  check(code, "invalid_response", "RFC 6749 §4.1.2", "The sign-in response has no code");

  const started = Date.now();
  const response = await fetch(attempt.tokenEndpoint, {
    method: "POST",
    headers: { accept: "application/json" },
    // RFC 6749 §4.1.3 with RFC 7636 §4.5; URLSearchParams makes it form-encoded.
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: attempt.redirectUri,
      code_verifier: attempt.verifier,
      client_id: attempt.clientId,
    }),
  });
  const token = await getJson(response);
  // RFC 6749 §5.2: the provider's error response.
  if (!response.ok) {
    throw new OAuthError(
      text(token.error) ?? "token_error",
      text(token.error_description) ?? `The token request failed (HTTP ${response.status})`,
    );
  }
  const accessToken = token.access_token;
  // RFC 6749 §5.1 and RFC 6750: a bearer access token.
  check(
    typeof accessToken === "string" && accessToken && /^bearer$/i.test(String(token.token_type)),
    "invalid_token_response",
    "RFC 6749 §5.1",
    "The token response has no bearer access token",
  );

  let subject: unknown;
  if (attempt.scope.split(/\s+/).includes("openid")) {
    // OpenID Connect Core §3.1.3.3: with scope openid the token response carries an id_token.
    check(
      typeof token.id_token === "string",
      "missing_id_token",
      "OpenID Connect Core §3.1.3.3",
      "The token response has no id_token",
    );
    subject = (await validateIdToken(token.id_token, attempt)).sub;
  }

  const info = await fetch(attempt.userinfoEndpoint, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  check(
    info.ok,
    "userinfo_failed",
    "OpenID Connect Core §5.3",
    `Could not read your profile (HTTP ${info.status})`,
  );
  const user = await getJson(info);
  // OpenID Connect Core §5.3.2: the userinfo must describe the same person as the id_token.
  check(
    subject === undefined || user.sub === subject,
    "userinfo_sub_mismatch",
    "OpenID Connect Core §5.3.2",
    "The profile does not match the signed-in account",
  );

  const lifetime = typeof token.expires_in === "number" ? token.expires_in : DEFAULT_TOKEN_LIFE_S;
  const result: OAuthResult = {
    accessToken,
    // Counted from before the request, so never later than the provider's own clock says.
    accessTokenExpiresAt: new Date(started + lifetime * 1000),
    userInfo: { ...user, orgs: Array.isArray(user.orgs) ? user.orgs : [] } as UserInfo,
    scope: text(token.scope) ?? attempt.scope,
  };
  // Refresh tokens (if any) are deliberately not kept: a static page cannot protect them.
  storage()?.setItem(RESULT_KEY, JSON.stringify(result));
  return result;
}

const fromBase64url = (part: string) =>
  Uint8Array.from(atob(part.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/**
 * OpenID Connect Core §3.1.3.7. The signature is checked too, against the provider's JWKS: the
 * spec allows skipping it for a token straight from the token endpoint over TLS, but a loopback
 * provider has no TLS, and the check is cheap.
 */
async function validateIdToken(jwt: string, attempt: Attempt): Promise<Json> {
  let header: Json = {};
  let claims: Json = {};
  const [head, body, signature] = jwt.split(".");
  try {
    const decode = (part: string) => JSON.parse(new TextDecoder().decode(fromBase64url(part)));
    header = decode(head) ?? {};
    claims = decode(body) ?? {};
  } catch {
    // reported below
  }
  // Step 7 and OpenID Connect Discovery §3: an algorithm the provider names (never "none"),
  // and the one this client verifies.
  check(
    header.alg === "RS256" && attempt.algs.includes("RS256"),
    "id_token_alg",
    "OpenID Connect Core §3.1.3.7 step 7",
    `The id_token is signed with ${String(header.alg)}, not RS256`,
  );
  const keys = (await getJson(await fetch(attempt.jwksUri))).keys as JsonWebKey[] | undefined;
  const jwk = keys?.find?.((k) =>
    k.kty === "RSA" && (k as Json).kid === header.kid && (!k.use || k.use === "sig")
  );
  // Step 6, RFC 7515 §4.1.4: the key the header names must be one the provider publishes.
  check(
    jwk,
    "id_token_kid",
    "OpenID Connect Core §3.1.3.7 step 6",
    "The id_token is signed with a key the provider does not publish",
  );
  let valid = false;
  try {
    const key = await crypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: jwk.n, e: jwk.e },
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    valid = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      key,
      fromBase64url(signature),
      new TextEncoder().encode(`${head}.${body}`),
    );
  } catch {
    // reported below
  }
  check(
    valid,
    "id_token_signature",
    "OpenID Connect Core §3.1.3.7 step 6",
    "The id_token's signature is not the provider's",
  );
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const exp = claims.exp;
  check(
    claims.iss === attempt.issuer,
    "id_token_iss",
    "OpenID Connect Core §3.1.3.7 step 2",
    "The id_token was issued by someone else",
  );
  check(
    // More audiences than this app are trusted only with this app as the authorized party.
    aud.includes(attempt.clientId) && (aud.length === 1 || claims.azp === attempt.clientId),
    "id_token_aud",
    "OpenID Connect Core §3.1.3.7 steps 3 and 4",
    "The id_token is meant for another app",
  );
  check(
    claims.azp === undefined || claims.azp === attempt.clientId,
    "id_token_azp",
    "OpenID Connect Core §3.1.3.7 step 5",
    "The id_token was issued to another app",
  );
  check(
    typeof exp === "number" && exp * 1000 > Date.now() - CLOCK_SKEW_MS,
    "id_token_expired",
    "OpenID Connect Core §3.1.3.7 step 9",
    "The id_token has expired",
  );
  check(
    typeof claims.iat === "number" && claims.iat * 1000 <= Date.now() + CLOCK_SKEW_MS,
    "id_token_iat",
    "OpenID Connect Core §3.1.3.7 step 10",
    "The id_token was issued in the future",
  );
  check(
    claims.nonce === attempt.nonce,
    "nonce_mismatch",
    "OpenID Connect Core §3.1.3.7 step 11",
    "The id_token's nonce does not match this sign-in",
  );
  return claims;
}

/** The stored sign-in of this tab, or `null` when there is none or its token has expired. */
export function loadSavedOAuthResult(): OAuthResult | null {
  const saved = readJson(RESULT_KEY) as
    | (Omit<OAuthResult, "accessTokenExpiresAt"> & { accessTokenExpiresAt: string })
    | null;
  const expiresAt = new Date(saved?.accessTokenExpiresAt ?? NaN);
  // RFC 6749 §5.1 expires_in, enforced with a clock-skew margin (an invalid date: expired).
  if (
    !saved || typeof saved.accessToken !== "string" ||
    !(expiresAt.getTime() - CLOCK_SKEW_MS > Date.now())
  ) {
    if (saved) storage()?.removeItem(RESULT_KEY);
    return null;
  }
  return { ...saved, accessTokenExpiresAt: expiresAt };
}

/**
 * Forget this tab's sign-in. Hugging Face has no revocation endpoint: the token stays valid
 * until it expires or the user revokes the app in their Connected Applications settings.
 */
export function signOut(): void {
  storage()?.removeItem(RESULT_KEY);
  pruneAttempts(true); // unfinished sign-ins
  notify();
}

// --- inference -----------------------------------------------------------------------------

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatOptions {
  messages: ChatMessage[];
  /** Default HF_INFERENCE_MODEL; may carry a provider policy suffix like ":fastest". */
  model?: string;
  signal?: AbortSignal;
  onToken?: (token: string) => void;
  /** Called with each piece of a reasoning model's thinking (never part of the answer). */
  onReasoning?: (text: string) => void;
  /** Called before waiting to retry a 429 or 503. */
  onRetry?: (status: number, delayMs: number) => void;
  maxTokens?: number;
  temperature?: number;
  /** Default: the stored sign-in's token. */
  accessToken?: string;
  /** An organisation to bill (`X-HF-Bill-To`); default HF_INFERENCE_BILL_TO. */
  billTo?: string;
}

/** An error body's message: `{"error": "…"}`, `{"error": {"message": "…"}}` or `{"message": "…"}`. */
function errorMessage(body: Json): string | undefined {
  const error = body.error as Json | string | undefined;
  return text(error) ?? text(typeof error === "object" ? error?.message : undefined) ??
    text(body.message);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    if (signal?.aborted) stop(); // (Stop pressed while the failed response was read)
    else signal?.addEventListener("abort", stop, { once: true });
  });

/**
 * POST, retrying 429 and 503 at most twice: after Retry-After when it is short (but at least
 * a second), else after 1 s, then 2 s.
 */
async function post(
  url: string,
  init: RequestInit,
  onRetry: ChatOptions["onRetry"],
): Promise<Response> {
  for (let attempt = 0;; attempt++) {
    const response = await fetch(url, init);
    if (response.ok) return response;
    const header = response.headers.get("retry-after");
    const delay = header && /^\d+$/.test(header.trim())
      ? Math.max(Number(header) * 1000, MIN_RETRY_DELAY_MS)
      : 1000 * 2 ** attempt;
    const requestId = response.headers.get("x-request-id") ?? undefined;
    if (
      (response.status === 429 || response.status === 503) && attempt < MAX_RETRIES &&
      delay <= MAX_RETRY_AFTER_MS
    ) {
      await response.body?.cancel();
      onRetry?.(response.status, delay);
      await sleep(delay, init.signal ?? undefined);
      continue;
    }
    const body = await response.text();
    let message: string | undefined;
    try {
      message = errorMessage(JSON.parse(body) as Json);
    } catch {
      message = text(body.slice(0, 300));
    }
    if (response.status === 401) signOut(); // expired, invalid or revoked: sign in again
    throw new InferenceError(message ?? `HTTP ${response.status}`, response.status, requestId);
  }
}

/** Each server-sent event's `data` (WHATWG HTML §9.2); lines split across chunks are joined. */
async function* serverSentData(body: ReadableStream<BufferSource>): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data: string[] = [];
  try {
    for (let done = false; !done;) {
      const chunk = await reader.read();
      done = chunk.done;
      buffer += chunk.value ?? (done ? "\n\n" : "");
      // A trailing "\r" may be the first half of "\r\n": keep it until the next chunk.
      const lines = buffer.split(done ? /\r\n|\r|\n/ : /\r\n|\r(?!$)|\n/);
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line && data.length) {
          yield data.join("\n");
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        } // comments (":") and the event, id and retry fields are not needed
      }
    }
  } finally {
    reader.cancel().catch(() => {}); // stop downloading when the consumer stops early
  }
}

type Delta = { content?: unknown; reasoning?: unknown; reasoning_content?: unknown };

/** Reasoning models send their thinking as `reasoning` (some providers `reasoning_content`). */
function reason(delta: Delta | undefined, onReasoning: ChatOptions["onReasoning"]): void {
  const thought = delta?.reasoning ?? delta?.reasoning_content;
  if (typeof thought === "string" && thought) onReasoning?.(thought);
}

/**
 * Stream a chat completion from `POST {HF_INFERENCE_URL}/chat/completions`, yielding the
 * answer's text as it arrives (a reasoning model's thinking goes to `onReasoning` instead).
 * Throws `InferenceError` (a 401 also signs out; status 0 for an error in the stream, or a
 * stream cut off before `[DONE]`), `OAuthError` "insecure_endpoint" for a plain-http URL that
 * is not loopback, or the signal's AbortError.
 */
export async function* chatCompletionStream(options: ChatOptions): AsyncGenerator<string, void> {
  const config = getConfig();
  const token = options.accessToken ?? loadSavedOAuthResult()?.accessToken;
  if (!token) {
    signOut(); // the stored token has expired: tell every widget
    throw new InferenceError("Sign in with Hugging Face first", 401);
  }
  const url = checkEndpoint(`${config.inferenceUrl}/chat/completions`, "inference URL");
  const billTo = options.billTo ?? config.billTo;
  const response = await post(url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "text/event-stream",
      ...(billTo ? { "x-hf-bill-to": billTo } : {}),
    },
    body: JSON.stringify({
      model: options.model ?? config.model,
      messages: options.messages,
      // Room for a reasoning model's thinking, which counts towards it, and its answer.
      max_tokens: options.maxTokens ?? 1024,
      temperature: options.temperature,
      stream: true,
    }),
    signal: options.signal,
  }, options.onRetry);
  const requestId = response.headers.get("x-request-id") ?? undefined;
  if (!/event-stream/.test(response.headers.get("content-type") ?? "")) {
    // Not streamed after all: one JSON completion.
    const body = await getJson(response);
    const message = errorMessage(body);
    if (message) throw new InferenceError(message, 0, requestId);
    const whole = (body.choices as { message?: Delta }[] | undefined)?.[0]?.message;
    reason(whole, options.onReasoning);
    if (typeof whole?.content === "string") yield whole.content;
    return;
  }
  for await (const data of serverSentData(response.body!)) {
    if (data === "[DONE]") return;
    let chunk: Json | null = null;
    try {
      chunk = JSON.parse(data) as Json | null;
    } catch {
      // reported below
    }
    if (!chunk || typeof chunk !== "object") { // not JSON, or `null`, a number…
      throw new InferenceError("The answer stream was garbled", 0, requestId);
    }
    // A chunk with an `error` key is an error in the middle of the stream.
    if (chunk.error !== undefined) {
      throw new InferenceError(errorMessage(chunk) ?? "The model failed mid-answer", 0, requestId);
    }
    const delta = (chunk.choices as { delta?: Delta }[] | undefined)?.[0]?.delta;
    reason(delta, options.onReasoning);
    if (typeof delta?.content === "string" && delta.content) yield delta.content;
  }
  // The stream ended without its final `data: [DONE]`: the connection broke off mid-answer.
  throw new InferenceError("The answer was cut off", 0, requestId);
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
