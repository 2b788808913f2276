// The id_token checks given a token signed here, the expected values and the provider's JWKS.
import { assertEquals, rejectionCode } from "./assert.ts";
import { validateIdToken } from "../../public/apps/hf-oauth/id-token.ts";

const ISSUER = "https://hub.example";
const server = { issuer: ISSUER, id_token_signing_alg_values_supported: ["RS256"] };
const client = { clientId: "my-app", nonce: "n-0S6_WzA2Mj" };

const keys = await crypto.subtle.generateKey(
  {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
  true,
  ["sign", "verify"],
);
const publicJwk = {
  ...await crypto.subtle.exportKey("jwk", keys.publicKey),
  kid: "k1",
  use: "sig",
};
const jwks = async () => ({ keys: [publicJwk] });

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const part = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

async function sign(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const input = `${part({ alg: "RS256", kid: "k1", typ: "JWT", ...header })}.${part(claims)}`;
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    keys.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: "my-app",
  sub: "user-1",
  iat: now(),
  exp: now() + 3600,
  nonce: client.nonce,
  ...extra,
});

Deno.test("a token the provider signed for this sign-in gives its claims", async () => {
  const checked = await validateIdToken(await sign(claims()), server, client, jwks);
  assertEquals(checked.sub, "user-1");
});

Deno.test("an unsigned token is refused before the JWKS is asked for", async () => {
  let asked = false;
  const unsigned = `${part({ alg: "none" })}.${part(claims())}.`;
  const code = await rejectionCode(
    validateIdToken(unsigned, server, client, () => {
      asked = true;
      return jwks();
    }),
  );
  assertEquals([code, asked], ["id_token_alg", false]);
});

Deno.test("RS256 is refused when the provider does not list it", async () => {
  const other = { ...server, id_token_signing_alg_values_supported: ["ES256"] };
  assertEquals(
    await rejectionCode(validateIdToken(await sign(claims()), other, client, jwks)),
    "id_token_alg",
  );
});

Deno.test("a key the provider does not publish is refused", async () => {
  const token = await sign(claims(), { kid: "someone-elses" });
  assertEquals(await rejectionCode(validateIdToken(token, server, client, jwks)), "id_token_kid");
  const encryption = async () => ({ keys: [{ ...publicJwk, use: "enc" }] });
  assertEquals(
    await rejectionCode(validateIdToken(await sign(claims()), server, client, encryption)),
    "id_token_kid",
  );
});

Deno.test("changed claims break the signature", async () => {
  const [head, , signature] = (await sign(claims())).split(".");
  const forged = `${head}.${part(claims({ sub: "admin" }))}.${signature}`;
  assertEquals(
    await rejectionCode(validateIdToken(forged, server, client, jwks)),
    "id_token_signature",
  );
  assertEquals(
    await rejectionCode(validateIdToken("not a jwt", server, client, jwks)),
    "id_token_alg",
  );
});

const refusals: [string, Record<string, unknown>, string][] = [
  ["another issuer", { iss: "https://evil.example" }, "id_token_iss"],
  ["another audience", { aud: "other-app" }, "id_token_aud"],
  ["several audiences without this app as azp", { aud: ["my-app", "other"] }, "id_token_aud"],
  ["another authorized party", { azp: "other-app" }, "id_token_azp"],
  ["an expiry past, beyond the clock skew", { exp: now() - 120 }, "id_token_expired"],
  ["no expiry at all", { exp: undefined }, "id_token_expired"],
  ["an issue time ahead, beyond the skew", { iat: now() + 120 }, "id_token_iat"],
  ["another nonce", { nonce: "replayed" }, "nonce_mismatch"],
];
for (const [name, extra, expected] of refusals) {
  Deno.test(`a token with ${name} is refused (${expected})`, async () => {
    const token = await sign(claims(extra));
    assertEquals(await rejectionCode(validateIdToken(token, server, client, jwks)), expected);
  });
}

Deno.test("several audiences are accepted with this app as authorized party", async () => {
  const token = await sign(claims({ aud: ["my-app", "other"], azp: "my-app" }));
  assertEquals((await validateIdToken(token, server, client, jwks)).azp, "my-app");
});

Deno.test("expiry and issue time within the clock skew are accepted", async () => {
  const token = await sign(claims({ exp: now() - 30, iat: now() + 30 }));
  assertEquals((await validateIdToken(token, server, client, jwks)).sub, "user-1");
});
