/**
 * config.ts: the widget's configuration, read from an explicit object of globals (in the
 * browser, `window`, where the engine's `variables_script_tag()` writes config.yml's
 * `variables:`). All optional except the client id:
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
 * Without HF_OAUTH_CLIENT_ID, a static Hugging Face Space's `huggingface.variables`
 * (OAUTH_CLIENT_ID, OAUTH_SCOPES, OPENID_PROVIDER_URL) are used instead.
 */
import { type Json, text } from "./json.ts";

/** The one place the default model is named: small, and served for chat by several providers. */
export const DEFAULT_MODEL = "openai/gpt-oss-20b";
export const DEFAULT_SCOPES = "openid profile inference-api";
/** The callback page, below the site's base path (Hugging Face's docs use this path). */
export const CALLBACK_PATH = "/oauth/callback/huggingface/";

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

export const trimSlash = (url: string) => url.replace(/\/+$/, "");

/** The configuration that `globals` (the page's `window`) hold; see the module comment. */
export function readConfig(globals: object): HfConfig {
  const g = globals as Json & { huggingface?: { variables?: Json } };
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
