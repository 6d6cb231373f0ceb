import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRuntime } from "../../runtimes/index.ts";
import { createMemoryStorage, createSqliteStorage, SCHEMA_VERSION, StorageError } from "../../src/engine/storage/index.ts";
import type { Storage } from "../../src/engine/storage/index.ts";
import type { CallRecord } from "../../src/engine/b2bua/index.ts";
import type { Binding, BindingChange } from "../../src/engine/registrar/index.ts";
import { bindingKey } from "../../src/engine/registrar/index.ts";

const T0 = 1_800_000_000_000;
const dir = mkdtempSync(join(tmpdir(), "siphon-storage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = () => join(dir, `db-${files++}.sqlite`);

function binding(o: Partial<Binding> = {}): Binding {
  return {
    aor: "sip:alice@example.com",
    contact: "sip:alice@192.0.2.10:5060",
    q: 1,
    expiresAt: T0 + 3_600_000,
    updatedAt: T0,
    callId: "c1",
    cseq: 1,
    path: [],
    source: "udp:192.0.2.10:5060",
    ...o,
  };
}
const put = (b: Binding): BindingChange => ({ type: "put", binding: b });

const cdr: CallRecord = {
  id: "c1",
  callId: "call-1",
  calleeCallId: undefined,
  from: "sip:alice@example.com",
  to: "sip:echo@example.com",
  target: "service:echo",
  source: "udp:192.0.2.10:5060",
  service: "echo",
  anchored: true,
  startedAt: T0,
  answeredAt: T0 + 100,
  endedAt: T0 + 5000,
  status: 200,
  disposition: "answered",
  endedBy: "caller",
  callerMedia: { codec: "PCMU", srtp: undefined, quality: undefined },
  calleeMedia: undefined,
};

async function sqlite(path = file()): Promise<Storage> {
  const rt = await loadRuntime();
  return createSqliteStorage(await rt.openSqlite(path), { path });
}

for (const kind of ["memory", "sqlite"] as const) {
  describe(`${kind} storage`, () => {
    const open = () => (kind === "memory" ? Promise.resolve(createMemoryStorage()) : sqlite());

    it("stores puts and removes in order, and loads what is left with every field", async () => {
      const s = await open();
      const outbound = binding({ contact: "sip:alice@192.0.2.11;transport=tcp", instanceId: "<urn:uuid:1>", regId: 1, path: ["<sip:edge;lr>"], q: 0.5, userAgent: "baresip" });
      await s.registrations.apply([put(binding()), put(outbound), put(binding({ aor: "sip:bob@example.com" }))]);
      await s.registrations.apply([{ type: "remove", aor: "sip:bob@example.com", key: bindingKey(binding()) }]);
      const got = (await s.registrations.load(T0)).sort((a, b) => a.contact.localeCompare(b.contact));
      expect(got).toEqual([binding(), outbound]);
      await s.close();
    });

    it("drops expired bindings on load", async () => {
      const s = await open();
      await s.registrations.apply([put(binding({ expiresAt: T0 + 10 })), put(binding({ contact: "sip:b@192.0.2.2", expiresAt: T0 + 5000 }))]);
      expect((await s.registrations.load(T0 + 10)).map((b) => b.contact)).toEqual(["sip:b@192.0.2.2"]);
      await s.close();
    });

    it("keeps call-detail records, newest first, paged by id", async () => {
      const s = await open();
      const a = await s.cdrs.add(cdr);
      const b = await s.cdrs.add({ ...cdr, id: "c2", callId: "call-2", disposition: "busy", status: 486, answeredAt: undefined, callerMedia: undefined });
      expect(b).toBeGreaterThan(a);
      const all = await s.cdrs.list();
      expect(all.map((r) => [r.callId, r.disposition, r.status])).toEqual([
        ["call-2", "busy", 486],
        ["call-1", "answered", 200],
      ]);
      // JSON keeps no undefined fields: compare as a store's reader sees the record.
      expect(all[1]).toEqual({ ...JSON.parse(JSON.stringify(cdr)), seq: a });
      expect((await s.cdrs.list({ before: b })).map((r) => r.callId)).toEqual(["call-1"]);
      await s.close();
    });

    it("refuses writes after close with StorageError CLOSED", async () => {
      const s = await open();
      await s.close();
      const e = await s.registrations.apply([put(binding())]).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(StorageError);
      expect((e as StorageError).code).toBe("CLOSED");
    });
  });
}

describe("sqlite storage: the file", () => {
  it("registrations survive closing and reopening the file, with their expiry", async () => {
    const path = file();
    const a = await sqlite(path);
    await a.registrations.apply([put(binding({ expiresAt: T0 + 120_000 }))]);
    await a.close();
    const b = await sqlite(path);
    expect((await b.registrations.load(T0 + 60_000)).map((x) => x.expiresAt)).toEqual([T0 + 120_000]);
    await b.close();
  });

  it("writes of one turn share a commit, and each settles only after it", async () => {
    const s = await sqlite();
    const order: string[] = [];
    const writes = [1, 2, 3].map((i) =>
      s.registrations.apply([put(binding({ contact: `sip:a${i}@192.0.2.1` }))]).then(() => order.push(`w${i}`)),
    );
    order.push("queued");
    await Promise.all(writes);
    expect(order).toEqual(["queued", "w1", "w2", "w3"]);
    expect(await s.registrations.load(T0)).toHaveLength(3);
    await s.close();
  });

  it("sets WAL and records the schema version in user_version", async () => {
    const path = file();
    const rt = await loadRuntime();
    const db = await rt.openSqlite(path);
    const s = createSqliteStorage(db, { path });
    expect(db.prepare("PRAGMA journal_mode").all()[0]).toEqual({ journal_mode: "wal" });
    expect(Number(db.prepare("PRAGMA user_version").all()[0]!["user_version"])).toBe(SCHEMA_VERSION);
    await s.close();
  });

  it("a file from a newer schema is refused with StorageError SCHEMA, naming both versions", async () => {
    const path = file();
    const rt = await loadRuntime();
    const db = await rt.openSqlite(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    let e: unknown;
    try {
      createSqliteStorage(db, { path });
    } catch (x) {
      e = x;
    }
    db.close();
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).code).toBe("SCHEMA");
    expect((e as Error).message).toContain(`schema version ${SCHEMA_VERSION + 5} is newer than this siphon's (${SCHEMA_VERSION})`);
  });

  it("a locked database fails the batch with StorageError BUSY, and the next batch commits", async () => {
    const path = file();
    const rt = await loadRuntime();
    const s = createSqliteStorage(await rt.openSqlite(path), { path, busyTimeout: 0 });
    const other = await rt.openSqlite(path);
    other.exec("BEGIN IMMEDIATE");
    const e = await s.registrations.apply([put(binding())]).then(() => undefined, (x: unknown) => x);
    expect((e as StorageError).code).toBe("BUSY");
    other.exec("ROLLBACK");
    other.close();
    await s.registrations.apply([put(binding())]);
    expect(await s.registrations.load(T0)).toHaveLength(1);
    await s.close();
  });
});
