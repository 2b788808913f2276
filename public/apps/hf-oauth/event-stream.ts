/**
 * event-stream.ts: the `data` of each server-sent event in a response body (WHATWG HTML §9.2),
 * as the body arrives: lines and UTF-8 characters split across chunks are joined first.
 */

/** Each event's `data` (several `data:` lines joined by "\n"); other fields are ignored. */
export async function* serverSentData(body: ReadableStream<BufferSource>): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data: string[] = [];
  try {
    for (let done = false; !done;) {
      const chunk = await reader.read();
      done = chunk.done;
      buffer += chunk.value ?? (done ? "\n\n" : "");
      // A trailing "\r" may be the first half of "\r\n": keep it until the next chunk.
      const lines = buffer.split(done ? /\r\n|\r|\n/ : /\r\n|\r(?!$)|\n/);
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line && data.length) {
          yield data.join("\n");
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        } // comments (":") and the event, id and retry fields are not needed
      }
    }
  } finally {
    reader.cancel().catch(() => {}); // stop downloading when the consumer stops early
  }
}
