/**
 * json.ts: reading values that come from outside (a provider's responses, the page's variables,
 * stored records) without trusting their shape: anything unexpected reads as "absent".
 */

/** A JSON object whose fields are still to be checked. */
export type Json = Record<string, unknown>;

/** A non-empty string, trimmed; anything else (blank, a number, missing) is `undefined`. */
export const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() ? value.trim() : undefined;

/** `JSON.parse` of an object; `null` for anything else (no text, bad JSON, a number...). */
export function parseObject(source: string | null | undefined): Json | null {
  try {
    const value = JSON.parse(source ?? "null") as unknown;
    return value && typeof value === "object" ? (value as Json) : null;
  } catch {
    return null;
  }
}

/** A response's JSON object, or `{}` when the body is not one. */
export async function jsonBody(response: Response): Promise<Json> {
  return parseObject(await response.text().catch(() => null)) ?? {};
}
