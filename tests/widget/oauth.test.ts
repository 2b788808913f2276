// The sign-in's protocol steps with their inputs given: a provider answered by a stub `fetch`.
import { assertEquals, rejectionCode } from "./assert.ts";
import {
  type Attempt,
  authorizationRequest,
  type AuthorizationServer,
  discover,
  exchangeCode,
  returnPath,
} from "../../public/apps/hf-oauth/oauth.ts";

const ISSUER = "https://hub.example";
const METADATA = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/oauth/authorize`,
  token_endpoint: `${ISSUER}/oauth/token`,
  userinfo_endpoint: `${ISSUER}/oauth/userinfo`,
  jwks_uri: `${ISSUER}/oauth/jwks`,
  code_challenge_methods_supported: ["S256"],
  id_token_signing_alg_values_supported: ["RS256"],
};

/** Answer `fetch` from `routes` (URL -> JSON body and status) for the length of `run`. */
async function withProvider<T>(
  routes: Record<string, [number, unknown]>,
  run: (asked: string[]) => Promise<T>,
): Promise<T> {
  const real = globalThis.fetch;
  const asked: string[] = [];
  globalThis.fetch = (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    const [status, body] = routes[url] ?? [404, {}];
    return Promise.resolve(Response.json(body, { status }));
  };
  try {
    return await run(asked);
  } finally {
    globalThis.fetch = real;
  }
}

const discovery = `${ISSUER}/.well-known/openid-configuration`;

Deno.test("discovery gives the provider's endpoints", async () => {
  const server = await withProvider({ [discovery]: [200, METADATA] }, () => discover(ISSUER));
  assertEquals(server.token_endpoint, METADATA.token_endpoint);
  assertEquals(server.id_token_signing_alg_values_supported, ["RS256"]);
});

Deno.test("discovery refuses another issuer, no S256, and plain-http endpoints", async () => {
  const cases: [unknown, string][] = [
    [{ ...METADATA, issuer: "https://evil.example" }, "issuer_mismatch"],
    [{ ...METADATA, code_challenge_methods_supported: ["plain"] }, "pkce_unsupported"],
    [{ ...METADATA, token_endpoint: "http://hub.example/oauth/token" }, "insecure_endpoint"],
  ];
  for (const [metadata, code] of cases) {
    const routes = { [discovery]: [200, metadata] as [number, unknown] };
    assertEquals(await withProvider(routes, () => rejectionCode(discover(ISSUER))), code);
  }
  assertEquals(await rejectionCode(discover("http://hub.example")), "insecure_endpoint");
  assertEquals(await withProvider({}, () => rejectionCode(discover(ISSUER))), "discovery_failed");
});

const server: AuthorizationServer = { ...METADATA };

Deno.test("the authorize URL carries an S256 challenge of the attempt's verifier", async () => {
  const { url, state, attempt } = await authorizationRequest(server, {
    clientId: "my-app",
    redirectUri: "https://blog.example/oauth/callback/huggingface/",
    scope: " openid\n profile  inference-api ",
    returnTo: "/posts/1/",
    orgIds: undefined,
  });
  const query = new URL(url).searchParams;
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(attempt.verifier),
  );
  const challenge = btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  assertEquals(url.startsWith(`${METADATA.authorization_endpoint}?`), true);
  assertEquals(Object.fromEntries(query), {
    client_id: "my-app",
    redirect_uri: "https://blog.example/oauth/callback/huggingface/",
    scope: "openid profile inference-api",
    response_type: "code",
    state,
    nonce: attempt.nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  assertEquals(attempt.verifier.length >= 43 && state !== attempt.nonce, true);
  assertEquals([attempt.returnTo, attempt.scope], ["/posts/1/", "openid profile inference-api"]);
});

Deno.test("a sign-in returns only to a page of the site", () => {
  const page = {
    href: "https://blog.example/blog/oauth/callback/",
    origin: "https://blog.example",
  };
  const cases: [unknown, string | undefined][] = [
    ["/blog/posts/1/?q=1#top", "/blog/posts/1/?q=1#top"],
    ["/elsewhere/", undefined],
    ["https://evil.example/blog/", undefined],
    ["//evil.example/blog/", undefined],
    ["/\\evil.example/blog/", undefined],
    ["javascript:alert(1)", undefined],
    [42, undefined],
  ];
  assertEquals(cases.map(([path]) => returnPath(path, page, "/blog")), cases.map(([, to]) => to));
});

const attempt = (extra: Partial<Attempt> = {}): Attempt => ({
  server,
  clientId: "my-app",
  redirectUri: "https://blog.example/cb/",
  scope: "profile inference-api",
  returnTo: "/",
  verifier: "v".repeat(43),
  nonce: "n",
  createdAt: Date.now(),
  ...extra,
});

Deno.test("the callback's checks come before any request", async () => {
  const cases: [Attempt, (string | null)[], string][] = [
    [attempt({ createdAt: Date.now() - 11 * 60_000 }), ["c", null, null, null], "state_expired"],
    [attempt(), ["c", null, null, "https://evil.example"], "iss_mismatch"],
    [attempt(), [null, "access_denied", "No thanks", null], "access_denied"],
    [attempt(), [null, null, null, null], "invalid_response"],
  ];
  for (const [record, [code, error, description, iss], expected] of cases) {
    const asked = await withProvider({}, async (asked) => {
      assertEquals(
        await rejectionCode(exchangeCode(record, code, error, description, iss)),
        expected,
      );
      return asked;
    });
    assertEquals(asked, []);
  }
});

Deno.test("the code is exchanged for a bearer token and the profile is read", async () => {
  const routes: Record<string, [number, unknown]> = {
    [METADATA.token_endpoint]: [200, { access_token: "hf_oauth_t", token_type: "Bearer" }],
    [METADATA.userinfo_endpoint]: [200, { sub: "u1", name: "Ada" }],
  };
  const result = await withProvider(routes, () => exchangeCode(attempt(), "c", null, null, null));
  assertEquals([result.accessToken, result.userInfo.name, result.userInfo.orgs], [
    "hf_oauth_t",
    "Ada",
    [],
  ]);
  const hours = (result.accessTokenExpiresAt.getTime() - Date.now()) / 3_600_000;
  assertEquals(Math.round(hours), 8); // Hugging Face's default when expires_in is missing
});

Deno.test("token errors and a missing id_token with scope openid are refused", async () => {
  const refused = { [METADATA.token_endpoint]: [400, { error: "invalid_grant" }] };
  assertEquals(
    await withProvider(
      refused as Record<string, [number, unknown]>,
      () => rejectionCode(exchangeCode(attempt(), "c", null, null, null)),
    ),
    "invalid_grant",
  );
  const noIdToken = {
    [METADATA.token_endpoint]: [200, { access_token: "t", token_type: "bearer" }],
  };
  assertEquals(
    await withProvider(
      noIdToken as Record<string, [number, unknown]>,
      () => rejectionCode(exchangeCode(attempt({ scope: "openid" }), "c", null, null, null)),
    ),
    "missing_id_token",
  );
});
