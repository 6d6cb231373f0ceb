/**
 * Typed events for the user agent's objects: `on(type, listener)` returns the function that
 * removes the listener. A listener that throws does not stop the others; its error is rethrown
 * in a microtask (reported like an EventTarget listener's).
 */
export class Emitter<E extends object> {
  readonly #listeners = new Map<keyof E, Set<(event: never) => void>>();

  /** Calls `listener` for every `type` event from now on; returns the function that stops it. */
  on<K extends keyof E>(type: K, listener: (event: E[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => void set.delete(listener as (event: never) => void);
  }

  /** @internal */
  emit<K extends keyof E>(type: K, event: E[K]): void {
    const set = this.#listeners.get(type);
    if (set === undefined) return;
    for (const l of [...set]) {
      try {
        (l as (event: E[K]) => void)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** @internal Whether anyone listens for `type`. */
  has(type: keyof E): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0;
  }
}
