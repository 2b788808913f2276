// The two assertions these tests need (no test library: the tests run offline).

/** Throws unless `actual` and `expected` are the same JSON value. */
export function assertEquals(actual: unknown, expected: unknown): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`expected ${e}\n     got ${a}`);
}

/** Resolves to the `code` of the OAuthError `promise` rejects with; throws if it resolves. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") return code;
    throw error;
  }
  throw new Error("expected a rejection, but it resolved");
}
