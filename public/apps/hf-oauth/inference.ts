/**
 * inference.ts: a streamed chat completion from the Inference Providers router
 * (`POST {inferenceUrl}/chat/completions`, OpenAI-compatible), given the URL, the token and the
 * model explicitly. 429 and 503 are retried a bounded number of times; errors, in a response or
 * in the middle of the stream, become `InferenceError`s with the provider's message.
 */
import { checkEndpoint } from "./checks.ts";
import type { HfConfig } from "./config.ts";
import { serverSentData } from "./event-stream.ts";
import { type Json, jsonBody, parseObject, text } from "./json.ts";

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

/** Where and how to ask: the router's base URL, and the model and bill-to used by default. */
export type InferenceConfig = Pick<HfConfig, "inferenceUrl" | "model" | "billTo">;

/** An error body's message: `{"error": "…"}`, `{"error": {"message": "…"}}` or `{"message": "…"}`. */
function errorMessage(body: Json): string | undefined {
  const error = body.error as Json | string | undefined;
  return text(error) ?? text(typeof error === "object" ? error?.message : undefined) ??
    text(body.message);
}

const sleep = (ms: number, signal?: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    signal?.throwIfAborted(); // (Stop pressed while the failed response was read)
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

/**
 * POST, retrying 429 and 503 at most twice: after Retry-After when it is short (but at least
 * a second), else after 1 s, then 2 s. Returns the first response not retried.
 */
async function post(
  url: string,
  init: RequestInit,
  onRetry: ChatOptions["onRetry"],
): Promise<Response> {
  const MAX_RETRIES = 2;
  const MAX_RETRY_AFTER_MS = 10_000;
  // Even after `Retry-After: 0`: a pause that is polite, and long enough to read "retrying".
  const MIN_RETRY_DELAY_MS = 1_000;
  for (let attempt = 0;; attempt++) {
    const response = await fetch(url, init);
    const header = response.headers.get("retry-after");
    const delay = header && /^\d+$/.test(header.trim())
      ? Math.max(Number(header) * 1000, MIN_RETRY_DELAY_MS)
      : 1000 * 2 ** attempt;
    if (
      !(response.status === 429 || response.status === 503) || attempt >= MAX_RETRIES ||
      delay > MAX_RETRY_AFTER_MS
    ) return response;
    await response.body?.cancel();
    onRetry?.(response.status, delay);
    await sleep(delay, init.signal);
  }
}

type Delta = { content?: unknown; reasoning?: unknown; reasoning_content?: unknown };

/** Reasoning models send their thinking as `reasoning` (some providers `reasoning_content`). */
function reason(delta: Delta | undefined, onReasoning: ChatOptions["onReasoning"]): void {
  const thought = delta?.reasoning ?? delta?.reasoning_content;
  if (typeof thought === "string" && thought) onReasoning?.(thought);
}

/**
 * Stream a chat completion with the bearer token `accessToken` (`options.accessToken` is not
 * read), yielding the answer's text as it arrives (a reasoning model's thinking goes to
 * `onReasoning` instead). Throws `InferenceError` (the router's status; 0 for an error in the
 * stream, or a stream cut off before `[DONE]`), `OAuthError` "insecure_endpoint" for a
 * plain-http URL that is not loopback, or the signal's AbortError.
 */
export async function* completionStream(
  options: ChatOptions,
  accessToken: string,
  config: InferenceConfig,
): AsyncGenerator<string, void> {
  const url = checkEndpoint(`${config.inferenceUrl}/chat/completions`, "inference URL");
  const billTo = options.billTo ?? config.billTo;
  const response = await post(url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${accessToken}`,
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
  if (!response.ok) {
    const body = await response.text();
    const parsed = parseObject(body);
    const message = parsed ? errorMessage(parsed) : text(body.slice(0, 300));
    throw new InferenceError(message ?? `HTTP ${response.status}`, response.status, requestId);
  }
  if (!/event-stream/.test(response.headers.get("content-type") ?? "")) {
    // Not streamed after all: one JSON completion.
    const body = await jsonBody(response);
    const message = errorMessage(body);
    if (message) throw new InferenceError(message, 0, requestId);
    const whole = (body.choices as { message?: Delta }[] | undefined)?.[0]?.message;
    reason(whole, options.onReasoning);
    if (typeof whole?.content === "string") yield whole.content;
    return;
  }
  for await (const data of serverSentData(response.body!)) {
    if (data === "[DONE]") return;
    const chunk = parseObject(data);
    if (!chunk) { // not JSON, or `null`, a number…
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
