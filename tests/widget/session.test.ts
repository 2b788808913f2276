// The stored session given a store: expiry, single-use attempts, pruning, and no store at all.
import { assertEquals } from "./assert.ts";
import {
  forget,
  loadResult,
  pruneAttempts,
  saveAttempt,
  saveOutcome,
  saveResult,
  takeAttempt,
  takeOutcome,
} from "../../public/apps/hf-oauth/session.ts";
import type { Attempt, OAuthResult } from "../../public/apps/hf-oauth/oauth.ts";

/** A Storage kept in a Map, like one tab's sessionStorage. */
class MemoryStorage implements Storage {
  #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, String(value));
  }
  keys() {
    return [...this.#items.keys()].sort();
  }
}

const result = (expiresInMs: number): OAuthResult => ({
  accessToken: "hf_oauth_x",
  accessTokenExpiresAt: new Date(Date.now() + expiresInMs),
  userInfo: { sub: "u", isPro: false, orgs: [] },
  scope: "openid",
});

const attempt = (ageMs: number) => ({ createdAt: Date.now() - ageMs }) as Attempt;

Deno.test("a saved sign-in loads back with its expiry as a Date", () => {
  const store = new MemoryStorage();
  saveResult(store, result(3_600_000));
  const loaded = loadResult(store);
  assertEquals(loaded?.accessToken, "hf_oauth_x");
  assertEquals(loaded?.accessTokenExpiresAt instanceof Date, true);
});

Deno.test("a token expiring within the clock skew is expired, and removed", () => {
  const store = new MemoryStorage();
  saveResult(store, result(30_000));
  assertEquals(loadResult(store), null);
  assertEquals(store.keys(), []);
});

Deno.test("a garbled record reads as no sign-in", () => {
  const store = new MemoryStorage();
  store.setItem("hf-oauth:result", "{not json");
  assertEquals(loadResult(store), null);
  store.setItem("hf-oauth:result", JSON.stringify({ accessTokenExpiresAt: "soon" }));
  assertEquals(loadResult(store), null);
});

Deno.test("an attempt is taken once: its state cannot be replayed", () => {
  const store = new MemoryStorage();
  saveAttempt(store, "s1", attempt(0));
  saveAttempt(store, "s2", attempt(0));
  assertEquals(takeAttempt(store, "s1") !== null, true);
  assertEquals(takeAttempt(store, "s1"), null);
  assertEquals(takeAttempt(store, null), null);
  assertEquals(store.keys(), ["hf-oauth:attempt:s2"]);
});

Deno.test("pruning forgets attempts older than ten minutes, or all of them", () => {
  const store = new MemoryStorage();
  saveAttempt(store, "fresh", attempt(60_000));
  saveAttempt(store, "old", attempt(11 * 60_000));
  store.setItem("hf-oauth:attempt:garbled", "[");
  store.setItem("hf-demo:prompt:/", "a draft");
  pruneAttempts(store);
  assertEquals(store.keys(), ["hf-demo:prompt:/", "hf-oauth:attempt:fresh"]);
  pruneAttempts(store, true);
  assertEquals(store.keys(), ["hf-demo:prompt:/"]);
});

Deno.test("forgetting removes the sign-in and the attempts, nothing else", () => {
  const store = new MemoryStorage();
  saveResult(store, result(3_600_000));
  saveAttempt(store, "s", attempt(0));
  store.setItem("hf-demo:prompt:/", "a draft");
  forget(store);
  assertEquals(store.keys(), ["hf-demo:prompt:/"]);
});

Deno.test("the callback's outcome is read once", () => {
  const store = new MemoryStorage();
  saveOutcome(store, { code: "access_denied", message: "No" });
  assertEquals(takeOutcome(store), { code: "access_denied", message: "No" });
  assertEquals(takeOutcome(store), null);
});

Deno.test("without a store (a refusing frame) nothing is read and nothing fails", () => {
  saveResult(null, result(3_600_000));
  saveOutcome(null, {});
  forget(null);
  pruneAttempts(null, true);
  assertEquals([loadResult(null), takeAttempt(null, "s"), takeOutcome(null)], [null, null, null]);
});
