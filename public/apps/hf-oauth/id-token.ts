/**
 * id-token.ts: the checks of an OpenID Connect id_token (OpenID Connect Core §3.1.3.7), given
 * the token, what this sign-in expects of it, and a way to read the provider's JWKS.
 */
import { check, CLOCK_SKEW_MS } from "./checks.ts";
import type { Json } from "./json.ts";

/** The provider's metadata the checks need (discovery's names). */
export interface IdTokenIssuer {
  issuer: string;
  id_token_signing_alg_values_supported: unknown[];
}

/** What this sign-in expects (a sign-in attempt's record has these fields). */
export interface IdTokenClient {
  clientId: string;
  /** The nonce sent with this sign-in's authorize request. */
  nonce: string;
}

const fromBase64url = (part: string) =>
  Uint8Array.from(atob(part.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/**
 * The id_token's claims once every check of OpenID Connect Core §3.1.3.7 passes for this
 * provider and client, else an `OAuthError`. The signature is checked too, against the keys of the JWKS document that
 * `jwks()` reads (asked for only once the header's algorithm is acceptable): the spec allows
 * skipping it for a token straight from the token endpoint over TLS, but a loopback provider has
 * no TLS, and the check is cheap.
 */
export async function validateIdToken(
  jwt: string,
  server: IdTokenIssuer,
  client: IdTokenClient,
  jwks: () => Promise<Json>,
): Promise<Json> {
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
    header.alg === "RS256" && server.id_token_signing_alg_values_supported.includes("RS256"),
    "id_token_alg",
    "OpenID Connect Core §3.1.3.7 step 7",
    `The id_token is signed with ${header.alg}, not RS256`,
  );
  const keys = (await jwks()).keys as JsonWebKey[] | undefined;
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
    claims.iss === server.issuer,
    "id_token_iss",
    "OpenID Connect Core §3.1.3.7 step 2",
    "The id_token was issued by someone else",
  );
  check(
    // More audiences than this app are trusted only with this app as the authorized party.
    aud.includes(client.clientId) && (aud.length === 1 || claims.azp === client.clientId),
    "id_token_aud",
    "OpenID Connect Core §3.1.3.7 steps 3 and 4",
    "The id_token is meant for another app",
  );
  check(
    claims.azp === undefined || claims.azp === client.clientId,
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
    claims.nonce === client.nonce,
    "nonce_mismatch",
    "OpenID Connect Core §3.1.3.7 step 11",
    "The id_token's nonce does not match this sign-in",
  );
  return claims;
}
