import type { DriverRuntime } from "../driver/index.ts";
import { ClientError } from "./errors.ts";

/** Options of every operation that waits: a signal to give up, and a timeout of its own. */
export interface WaitOptions {
  /** Gives up the wait (the promise rejects with ClientError ABORTED). */
  readonly signal?: AbortSignal;
  /** Gives up after this many ms (ClientError TIMEOUT). Each operation has its own default. */
  readonly timeoutMs?: number;
}

/** What {@link waitUntil} hands the waiting code. */
export interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * A promise settled by `start`'s callbacks, by `options.signal` (ABORTED) or by the timeout
 * (TIMEOUT), whichever comes first; `start` returns its cleanup, run once when it settles. Timers
 * come from the runtime record, so a virtual clock drives them in tests.
 */
export function waitUntil<T>(
  rt: Pick<DriverRuntime, "setTimer" | "clearTimer">,
  what: string,
  options: WaitOptions,
  defaultTimeoutMs: number,
  start: (w: Waiter<T>) => (() => void) | void,
  onAbort?: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const signal = options.signal;
    if (signal?.aborted) {
      onAbort?.();
      reject(new ClientError("ABORTED", `${what}: aborted`, { cause: signal.reason }));
      return;
    }
    let done = false;
    let cleanup: (() => void) | void = undefined;
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const timer = rt.setTimer(timeoutMs, () => finish(() => reject(new ClientError("TIMEOUT", `${what}: no outcome within ${timeoutMs} ms`))));
    const abort = () =>
      finish(() => {
        onAbort?.();
        reject(new ClientError("ABORTED", `${what}: aborted`, { cause: signal?.reason }));
      });
    signal?.addEventListener("abort", abort, { once: true });
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      rt.clearTimer(timer);
      signal?.removeEventListener("abort", abort);
      cleanup?.();
      settle();
    }
    cleanup = start({ resolve: (v) => finish(() => resolve(v)), reject: (e) => finish(() => reject(e)) });
    // start may have settled synchronously before cleanup was assigned.
    if (done) cleanup?.();
  });
}
