/**
 * checks.ts: how a security check fails. Each check names the spec section it enforces and
 * throws an `OAuthError` with a stable `code`, which widgets show and tests assert on.
 */

/** The clock-skew margin for every expiry the client enforces (tokens, id_token claims). */
export const CLOCK_SKEW_MS = 60_000;
/** RFC 9700 §4.7.1: a sign-in attempt is only valid for a short time. */
export const ATTEMPT_TTL_MS = 10 * 60_000;

/** A failed sign-in. `code` is the provider's error (e.g. "access_denied") or one of ours. */
export class OAuthError extends Error {
  declare readonly code: string; // `declare`: no class-field helper in the es2020 bundle
  constructor(code: string, message: string) {
    super(message);
    this.name = "OAuthError";
    this.code = code;
  }
}

/** Throw `OAuthError(code)` citing `spec` unless `ok`. */
export function check(ok: unknown, code: string, spec: string, message: string): asserts ok {
  if (!ok) throw new OAuthError(code, `${message} (${spec})`);
}

/**
 * RFC 6749 §3.1, §3.2 and RFC 6750 §5.3: the provider's endpoints (discovery included) and the
 * inference URL, which gets the bearer token, need TLS; plain http only on loopback (the local
 * hub). Returns the URL, normalised.
 */
export function checkEndpoint(url: unknown, name: string): string {
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
