// The configuration read from an explicit object of globals, as a page or a Space sets them.
import { assertEquals } from "./assert.ts";
import { DEFAULT_MODEL, DEFAULT_SCOPES, readConfig } from "../../public/apps/hf-oauth/config.ts";

Deno.test("with nothing set: Hugging Face's URLs and the defaults", () => {
  assertEquals(readConfig({}), {
    clientId: undefined,
    scopes: DEFAULT_SCOPES,
    providerUrl: "https://huggingface.co",
    inferenceUrl: "https://router.huggingface.co/v1",
    model: DEFAULT_MODEL,
    redirectUri: undefined,
    localHub: false,
    devServer: false,
    billTo: undefined,
    orgIds: undefined,
    basePath: "",
  });
});

Deno.test("the page's variables, trimmed, with trailing slashes dropped", () => {
  const config = readConfig({
    HF_OAUTH_CLIENT_ID: " abc ",
    HF_OPENID_PROVIDER_URL: "http://127.0.0.1:5000//",
    HF_INFERENCE_URL: "http://127.0.0.1:5000/v1/",
    HF_BASE_PATH: "/blog/",
    HF_INFERENCE_MODEL: "   ",
    HF_LOCAL_HUB: "true", // only the boolean counts
    HF_DEV_SERVER: true,
  });
  assertEquals(
    [config.clientId, config.providerUrl, config.inferenceUrl, config.basePath, config.model],
    ["abc", "http://127.0.0.1:5000", "http://127.0.0.1:5000/v1", "/blog", DEFAULT_MODEL],
  );
  assertEquals([config.localHub, config.devServer], [false, true]);
});

Deno.test("a static Space's injected values are used as a set", () => {
  const space = {
    OAUTH_CLIENT_ID: "space-app",
    OAUTH_SCOPES: "openid profile inference-api email",
    OPENID_PROVIDER_URL: "https://huggingface.co/",
  };
  const config = readConfig({ huggingface: { variables: space } });
  assertEquals([config.clientId, config.scopes, config.providerUrl], [
    "space-app",
    "openid profile inference-api email",
    "https://huggingface.co",
  ]);
});

Deno.test("the site's own client id wins, and then none of the Space's values apply", () => {
  const config = readConfig({
    HF_OAUTH_CLIENT_ID: "own",
    huggingface: { variables: { OAUTH_CLIENT_ID: "space", OAUTH_SCOPES: "openid email" } },
  });
  assertEquals([config.clientId, config.scopes], ["own", DEFAULT_SCOPES]);
});
