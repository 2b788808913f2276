// The event-stream reader fed a response body in awkward pieces, as networks deliver it.
import { assertEquals } from "./assert.ts";
import { serverSentData } from "../../public/apps/hf-oauth/event-stream.ts";

/** A body that delivers `chunks` one read at a time; `cancelled` tells whether it was stopped. */
function body(chunks: (string | number[])[]) {
  const state = { cancelled: false };
  const encoder = new TextEncoder();
  const queue = chunks.map((c) => typeof c === "string" ? encoder.encode(c) : new Uint8Array(c));
  const stream = new ReadableStream<BufferSource>({
    pull(controller) {
      const next = queue.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

async function events(chunks: (string | number[])[]): Promise<string[]> {
  const all: string[] = [];
  for await (const data of serverSentData(body(chunks).stream)) all.push(data);
  return all;
}

Deno.test("lines split across chunks are joined before they are read", async () => {
  assertEquals(await events(["da", 'ta: {"a"', ":1}\n", "\ndata: [DONE]\n\n"]), [
    '{"a":1}',
    "[DONE]",
  ]);
});

Deno.test("a UTF-8 character split between chunks arrives whole", async () => {
  const bytes = [...new TextEncoder().encode("data: café 😀\n\n")];
  const e = bytes.indexOf(0xc3); // "é" is c3 a9; the emoji four bytes from f0
  const emoji = bytes.indexOf(0xf0);
  assertEquals(
    await events([bytes.slice(0, e + 1), bytes.slice(e + 1, emoji + 2), bytes.slice(emoji + 2)]),
    ["café 😀"],
  );
});

Deno.test("a CRLF split after its CR is one line end, not an empty line", async () => {
  assertEquals(await events(["data: a\r", "\ndata: b\r\n\r\n"]), ["a\nb"]);
});

Deno.test("CR alone, LF alone and CRLF all end lines", async () => {
  assertEquals(await events(["data: a\r\rdata: b\n\ndata: c\r\n\r\n"]), ["a", "b", "c"]);
});

Deno.test("comments and other fields are skipped; 'data:' without a space is read", async () => {
  assertEquals(
    await events([": keep-alive\nevent: message\nid: 7\nretry: 10\ndata:x\n\n"]),
    ["x"],
  );
});

Deno.test("blank lines with no data dispatch nothing", async () => {
  assertEquals(await events(["\n\n\r\n: ping\n\n"]), []);
});

Deno.test("the last event is read even without its closing blank line", async () => {
  assertEquals(await events(["data: 1\n\ndata: 2"]), ["1", "2"]);
});

Deno.test("a consumer that stops early cancels the download", async () => {
  const { stream, state } = body(["data: 1\n\n", "data: 2\n\n", "data: 3\n\n"]);
  for await (const data of serverSentData(stream)) {
    assertEquals(data, "1");
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(state.cancelled, true);
});
