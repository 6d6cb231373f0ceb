/**
 * What `f` throws, for assertions on an exception's fields; the test fails when `f` returns
 * normally (unlike a try/catch whose `expect` calls sit in the catch block and never run then).
 */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected an exception, and none was thrown");
}
