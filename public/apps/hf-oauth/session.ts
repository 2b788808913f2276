/**
 * session.ts: what a tab keeps between pages: its sign-in, its sign-in attempts (one record per
 * `state`, so two logins at once never collide) and the outcome the callback page hands back.
 * sessionStorage only (per tab, cleared when the tab closes; never localStorage), keys prefixed
 * "hf-oauth:". Every function takes the store explicitly, and a null store (a framed page the
 * browser gives no storage) reads as empty and keeps nothing.
 */
import { ATTEMPT_TTL_MS, CLOCK_SKEW_MS } from "./checks.ts";
import { type Json, parseObject } from "./json.ts";
import type { Attempt, OAuthResult } from "./oauth.ts";

type Store = Storage | null | undefined;

const RESULT_KEY = "hf-oauth:result";
const ATTEMPT_PREFIX = "hf-oauth:attempt:";
const RETURN_KEY = "hf-oauth:returned";

/** This tab's sessionStorage, or null where the browser refuses it (third-party frames). */
export function storage(): Storage | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}

const read = (store: Store, key: string): Json | null => parseObject(store?.getItem(key));
const write = (store: Store, key: string, value: unknown) =>
  store?.setItem(key, JSON.stringify(value));

/** The record under `key`, removed as it is read (single use), or `null`. */
function take(store: Store, key: string): Json | null {
  const value = read(store, key);
  store?.removeItem(key);
  return value;
}

/** The stored sign-in, or `null` when there is none or its token has expired (then removed). */
export function loadResult(store: Store): OAuthResult | null {
  const saved = read(store, RESULT_KEY) as
    | (Omit<OAuthResult, "accessTokenExpiresAt"> & { accessTokenExpiresAt: string })
    | null;
  const expiresAt = new Date(saved?.accessTokenExpiresAt ?? NaN);
  // RFC 6749 §5.1 expires_in, enforced with a clock-skew margin (an invalid date: expired).
  if (
    !saved || typeof saved.accessToken !== "string" ||
    !(expiresAt.getTime() - CLOCK_SKEW_MS > Date.now())
  ) {
    if (saved) store?.removeItem(RESULT_KEY);
    return null;
  }
  return { ...saved, accessTokenExpiresAt: expiresAt };
}

export const saveResult = (store: Store, result: OAuthResult) => write(store, RESULT_KEY, result);

/** Forget the sign-in and every unfinished attempt. */
export function forget(store: Store): void {
  store?.removeItem(RESULT_KEY);
  pruneAttempts(store, true);
}

/** RFC 9700 §4.7.1: the attempt is bound to this tab, under a key of its own (parallel logins). */
export const saveAttempt = (store: Store, state: string, attempt: Attempt) =>
  write(store, ATTEMPT_PREFIX + state, attempt);

/** The attempt that created `state`, removed as it is read (single use), or `null`. */
export const takeAttempt = (store: Store, state: string | null) =>
  state ? take(store, ATTEMPT_PREFIX + state) as Attempt | null : null;

/** Forget attempts older than ATTEMPT_TTL_MS (abandoned logins), or all of them. */
export function pruneAttempts(store: Store, all?: boolean): void {
  for (let i = (store?.length ?? 0) - 1; i >= 0; i--) {
    const key = store!.key(i);
    if (key?.startsWith(ATTEMPT_PREFIX)) {
      const created = read(store, key)?.createdAt;
      if (all || !(typeof created === "number" && Date.now() - created <= ATTEMPT_TTL_MS)) {
        store!.removeItem(key);
      }
    }
  }
}

/** What the callback page hands back to the page the sign-in started from: `{}` or an error. */
export const saveOutcome = (store: Store, outcome: { code?: string; message?: string }) =>
  write(store, RETURN_KEY, outcome);

/** The outcome the callback page left, removed as it is read, or `null`. */
export const takeOutcome = (store: Store) => take(store, RETURN_KEY);
