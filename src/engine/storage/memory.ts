/**
 * Storage in memory: nothing survives the process. For tests and for a server started with
 * `storage: memory`; the durable default is SQLite (`./sqlite-store.ts`).
 */
import { bindingKey } from "../registrar/index.ts";
import type { Binding } from "../registrar/index.ts";
import { StorageError } from "./errors.ts";
import type { Storage, StoredCallRecord } from "./types.ts";

/** Most call records kept in memory; the oldest go first. */
const MAX_MEMORY_CDRS = 10_000;

/** A {@link Storage} in memory. */
export function createMemoryStorage(): Storage {
  const bindings = new Map<string, Binding>();
  const cdrs: StoredCallRecord[] = [];
  let nextId = 1;
  let closed = false;
  const check = () => {
    if (closed) throw new StorageError("CLOSED", "storage is closed");
  };
  return {
    kind: "memory",
    location: "memory",
    registrations: {
      async load(now) {
        check();
        for (const [k, b] of bindings) if (b.expiresAt <= now) bindings.delete(k);
        return [...bindings.values()];
      },
      async apply(changes) {
        check();
        for (const c of changes) {
          if (c.type === "put") {
            // The flow is a live connection: like a file store, keep only what outlives the process.
            const { flow: _flow, ...rest } = c.binding;
            bindings.set(`${c.binding.aor}\n${bindingKey(c.binding)}`, rest);
          } else bindings.delete(`${c.aor}\n${c.key}`);
        }
      },
    },
    cdrs: {
      async add(record) {
        check();
        const seq = nextId++;
        cdrs.push({ ...record, seq });
        if (cdrs.length > MAX_MEMORY_CDRS) cdrs.shift();
        return seq;
      },
      async list(query) {
        check();
        const limit = Math.min(Math.max(1, query?.limit ?? 100), 1000);
        const before = query?.before ?? Infinity;
        const out: StoredCallRecord[] = [];
        for (let i = cdrs.length - 1; i >= 0 && out.length < limit; i--) if (cdrs[i]!.seq < before) out.push(cdrs[i]!);
        return out;
      },
    },
    async flush() {},
    async close() {
      closed = true;
    },
  };
}
