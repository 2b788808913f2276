/**
 * oauth.ts: the steps of a sign-in with Hugging Face (OAuth 2.0 authorization code with PKCE,
 * OpenID Connect), one function each, every input explicit: discovery, the authorize request,
 * where the callback may send the visitor back to, and the code exchange. Nothing here reads
 * the page's variables or storage; the caller keeps the attempt between the steps.
 */
import { ATTEMPT_TTL_MS, check, checkEndpoint, OAuthError } from "./checks.ts";
import { validateIdToken } from "./id-token.ts";
import { jsonBody, text } from "./json.ts";

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

/**
 * The provider's metadata as discovery gives it (RFC 8414 §2 names, as in oauth4webapi), once
 * checked: endpoints with TLS (or loopback), and the defaults Hugging Face's document implies.
 */
export interface AuthorizationServer {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported: unknown[];
}

/** What the authorize request asks for. */
export interface AuthorizationRequest {
  clientId: string;
  /** Must be registered with the app. */
  redirectUri: string;
  /** Space separated (any whitespace). */
  scope: string;
  /** "consent" forces the consent screen even for an app already approved. */
  prompt?: "consent";
  orgIds?: string;
  /** The page to go back to once signed in: a path inside the site. */
  returnTo: string;
}

/** One sign-in in progress: what its callback needs, kept by the caller under its `state`. */
export interface Attempt {
  /** The provider the sign-in started with. */
  server: AuthorizationServer;
  clientId: string;
  redirectUri: string;
  /** Separated by single spaces. */
  scope: string;
  /** The page to go back to: a path inside the site. */
  returnTo: string;
  /** RFC 7636 code_verifier. */
  verifier: string;
  nonce: string;
  createdAt: number;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

const randomString = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** Read and check the discovery document of the provider whose issuer is `issuer`. */
export async function discover(issuer: string): Promise<AuthorizationServer> {
  const response = await fetch(
    checkEndpoint(`${issuer}/.well-known/openid-configuration`, "address"),
  );
  check(
    response.ok,
    "discovery_failed",
    "OpenID Connect Discovery 1.0 §4",
    `Could not read the provider's configuration (HTTP ${response.status})`,
  );
  const meta = await jsonBody(response);
  // OpenID Connect Discovery 1.0 §4.3: the document must name exactly the issuer we asked.
  check(
    meta.issuer === issuer,
    "issuer_mismatch",
    "OpenID Connect Discovery 1.0 §4.3",
    `The provider's configuration names issuer "${meta.issuer}", not "${issuer}"`,
  );
  const methods = meta.code_challenge_methods_supported;
  // RFC 8414 §2: when the provider lists its PKCE methods, S256 must be among them.
  check(
    !Array.isArray(methods) || methods.includes("S256"),
    "pkce_unsupported",
    "RFC 8414 §2",
    "The provider does not support PKCE S256",
  );
  return {
    issuer,
    authorization_endpoint: checkEndpoint(meta.authorization_endpoint, "authorization endpoint"),
    token_endpoint: checkEndpoint(meta.token_endpoint, "token endpoint"),
    userinfo_endpoint: checkEndpoint(
      meta.userinfo_endpoint ?? `${issuer}/oauth/userinfo`,
      "userinfo endpoint",
    ),
    jwks_uri: checkEndpoint(meta.jwks_uri ?? `${issuer}/oauth/jwks`, "JWKS"),
    id_token_signing_alg_values_supported:
      (meta.id_token_signing_alg_values_supported as unknown[]) ?? ["RS256"],
  };
}

/**
 * A new sign-in attempt: its PKCE verifier, state and nonce, and the authorize URL to navigate
 * to. The caller keeps `attempt` under `state`, bound to this tab, until the callback.
 */
export async function authorizationRequest(
  server: AuthorizationServer,
  request: AuthorizationRequest,
): Promise<{ url: string; state: string; attempt: Attempt }> {
  const { prompt, orgIds, ...client } = request;
  // RFC 7636 §4.1: a verifier of 32 random bytes (43 base64url characters); §4.2: S256.
  const verifier = randomString();
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  // RFC 6749 §10.12 and OpenID Connect Core §3.1.2.1: fresh state and nonce per attempt.
  const state = randomString();
  const attempt: Attempt = {
    server,
    ...client,
    // Separated by single spaces (RFC 6749 §3.3), however the configuration separates them.
    scope: client.scope.replace(/\s+/g, " ").trim(),
    verifier,
    nonce: randomString(),
    createdAt: Date.now(),
  };
  const url = new URL(server.authorization_endpoint);
  const params: Record<string, string | undefined> = {
    client_id: attempt.clientId,
    redirect_uri: attempt.redirectUri,
    scope: attempt.scope,
    response_type: "code",
    state,
    nonce: attempt.nonce,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: "S256",
    prompt,
    orgIds,
  };
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
  return { url: url.href, state, attempt };
}

/**
 * The path a sign-in may return to: a page of the site below `basePath` at `page`'s origin,
 * nothing else (RFC 9700 §4.11.2: no open redirector), even from a tampered record.
 */
export function returnPath(
  path: unknown,
  page: { href: string; origin: string },
  basePath: string,
): string | undefined {
  try {
    const url = new URL(String(path), page.href);
    if (
      typeof path == "string" && path[0] == "/" && url.origin == page.origin &&
      url.pathname.startsWith(basePath + "/")
    ) return url.pathname + url.search + url.hash;
  } catch {
    // not a URL at all ("//["): nowhere to return to
  }
}

/**
 * The callback's step: check the redirect's parameters against the attempt, exchange the code
 * for tokens, validate the id_token and read the userinfo. Throws `OAuthError`.
 */
export async function exchangeCode(
  attempt: Attempt,
  code: string | null,
  error: string | null,
  description: string | null,
  iss: string | null,
): Promise<OAuthResult> {
  const { server } = attempt;
  // RFC 9700 §4.7.1: a login attempt is only valid for a short time (10 minutes here).
  check(
    Date.now() - attempt.createdAt <= ATTEMPT_TTL_MS,
    "state_expired",
    "RFC 9700 §4.7.1",
    "The sign-in took more than 10 minutes; please try again",
  );
  // RFC 9207 §2.4: accept `iss` when present (Hugging Face does not send it), never require it.
  check(
    iss === null || iss === server.issuer,
    "iss_mismatch",
    "RFC 9207 §2.4",
    "The sign-in response came from another issuer",
  );
  // RFC 6749 §4.1.2.1: the provider's error, reported as plain text by the caller.
  if (error) throw new OAuthError(error, description || error);
  check(code, "invalid_response", "RFC 6749 §4.1.2", "The sign-in response has no code");

  const started = Date.now();
  const response = await fetch(server.token_endpoint, {
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
  const token = await jsonBody(response);
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
    const jwks = async () => jsonBody(await fetch(server.jwks_uri));
    subject = (await validateIdToken(token.id_token, server, attempt, jwks)).sub;
  }

  const info = await fetch(server.userinfo_endpoint, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  check(
    info.ok,
    "userinfo_failed",
    "OpenID Connect Core §5.3",
    `Could not read your profile (HTTP ${info.status})`,
  );
  const user = await jsonBody(info);
  // OpenID Connect Core §5.3.2: the userinfo must describe the same person as the id_token.
  check(
    subject === undefined || user.sub === subject,
    "userinfo_sub_mismatch",
    "OpenID Connect Core §5.3.2",
    "The profile does not match the signed-in account",
  );

  const DEFAULT_TOKEN_LIFE_S = 28_800; // Hugging Face's documented default (8 h)
  const lifetime = typeof token.expires_in === "number" ? token.expires_in : DEFAULT_TOKEN_LIFE_S;
  // Refresh tokens (if any) are deliberately not kept: a static page cannot protect them.
  return {
    accessToken,
    // Counted from before the request, so never later than the provider's own clock says.
    accessTokenExpiresAt: new Date(started + lifetime * 1000),
    userInfo: { ...user, orgs: Array.isArray(user.orgs) ? user.orgs : [] } as UserInfo,
    scope: text(token.scope) ?? attempt.scope,
  };
}
