// A streamed chat completion against a stub router: the request, the stream, errors and retries.
import { assertEquals } from "./assert.ts";
import { completionStream, InferenceError } from "../../public/apps/hf-oauth/inference.ts";

const CONFIG = { inferenceUrl: "https://router.example/v1", model: "org/model", billTo: "acme" };
const OPTIONS = { messages: [{ role: "user" as const, content: "Hi" }] };

/** Answer each `fetch` with the next of `responses`, recording the requests. */
async function withRouter<T>(responses: (() => Response)[], run: (seen: Request[]) => Promise<T>) {
  const real = globalThis.fetch;
  const seen: Request[] = [];
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(new Request(input, init));
    return Promise.resolve(responses.shift()!());
  };
  try {
    return await run(seen);
  } finally {
    globalThis.fetch = real;
  }
}

const stream = (...lines: string[]) => () =>
  new Response(lines.join(""), { headers: { "content-type": "text/event-stream" } });
const chunk = (delta: Record<string, string>) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta }] })}\n\n`;

async function collect(options = {}, config = CONFIG) {
  const tokens: string[] = [];
  try {
    for await (const token of completionStream({ ...OPTIONS, ...options }, "hf_t", config)) {
      tokens.push(token);
    }
  } catch (error) {
    const e = error as InferenceError & { code?: string };
    tokens.push(`! ${e.code ?? e.status}: ${e.message}`);
  }
  return tokens;
}

Deno.test("the answer streams in, its thinking apart, with the configured model and bill-to", async () => {
  const thoughts: string[] = [];
  const [tokens, seen] = await withRouter(
    [stream(
      chunk({ reasoning: "Hmm." }),
      chunk({ content: "Hel" }),
      chunk({ content: "lo" }),
      "data: [DONE]\n\n",
    )],
    async (seen) =>
      [await collect({ onReasoning: (t: string) => thoughts.push(t) }), seen] as const,
  );
  assertEquals([tokens, thoughts], [["Hel", "lo"], ["Hmm."]]);
  const [request] = seen;
  assertEquals(request.url, "https://router.example/v1/chat/completions");
  assertEquals(
    [request.headers.get("authorization"), request.headers.get("x-hf-bill-to")],
    ["Bearer hf_t", "acme"],
  );
  const body = await request.json();
  assertEquals([body.model, body.stream, body.max_tokens], ["org/model", true, 1024]);
});

Deno.test("errors become InferenceErrors with the provider's message", async () => {
  const cases: [() => Response, string][] = [
    [
      () => Response.json({ error: "You have no credits" }, { status: 402 }),
      "! 402: You have no credits",
    ],
    [() => Response.json({ error: { message: "Bad token" } }, { status: 401 }), "! 401: Bad token"],
    [stream(chunk({ content: "Hi" }), 'data: {"error": "overloaded"}\n\n'), "! 0: overloaded"],
    [stream(chunk({ content: "Hi" })), "! 0: The answer was cut off"],
    [stream("data: {oops\n\n"), "! 0: The answer stream was garbled"],
  ];
  for (const [response, expected] of cases) {
    const tokens = await withRouter([response], () => collect());
    assertEquals(tokens.at(-1), expected);
  }
});

Deno.test("a 503 is retried after its Retry-After, and the retry is announced", async () => {
  const retries: number[][] = [];
  const busy = () => new Response("busy", { status: 503, headers: { "retry-after": "1" } });
  const tokens = await withRouter(
    [busy, stream(chunk({ content: "ok" }), "data: [DONE]\n\n")],
    () => collect({ onRetry: (status: number, ms: number) => retries.push([status, ms]) }),
  );
  assertEquals([tokens, retries], [["ok"], [[503, 1000]]]);
});

Deno.test("a plain-http router that is not loopback never gets the token", async () => {
  const tokens = await withRouter([], (seen) => {
    const insecure = { ...CONFIG, inferenceUrl: "http://router.example/v1" };
    return collect({}, insecure).then((t) => [...t, `${seen.length} requests`]);
  });
  assertEquals(tokens[1], "0 requests");
  assertEquals(tokens[0].startsWith("! insecure_endpoint"), true);
});
