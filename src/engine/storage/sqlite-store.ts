/**
 * Registrations and call-detail records in an embedded SQLite file: WAL journal, a schema version
 * in `PRAGMA user_version` with forward migrations, and writes batched into one transaction per
 * turn of the event loop — each `apply` or `add` resolves when the transaction holding it has
 * committed, which is when a registrar may answer 200.
 *
 * Durability: `synchronous=NORMAL` (the default) in WAL mode survives the process being killed at
 * any point (a commit is in the OS once `COMMIT` returns); `synchronous=FULL` also survives a power
 * cut, at the cost of an fsync per transaction.
 */
import type { CallRecord } from "../b2bua/index.ts";
import type { Binding } from "../registrar/index.ts";
import { bindingKey } from "../registrar/index.ts";
import { StorageError } from "./errors.ts";
import type { StorageErrorCode } from "./errors.ts";
import type { SqliteDatabase, SqliteStatement, SqliteValue } from "./sqlite.ts";
import type { CdrStore, RegistrationStore, Storage, StoredCallRecord } from "./types.ts";

/** Options of {@link createSqliteStorage}. */
export interface SqliteStorageOptions {
  /** The path, for messages and the start-up banner. */
  path?: string;
  /** `normal` (default: survives a killed process) or `full` (survives a power cut too). */
  synchronous?: "normal" | "full";
  /** How long a write waits for a lock held by another process, in ms. Default 5000. */
  busyTimeout?: number;
  /**
   * Runs the batched commit later: by default at the end of the current microtask queue; a server
   * passes a zero-delay timer so that every datagram read in one poll of the sockets shares a commit.
   */
  defer?: (run: () => void) => void;
}

/**
 * The schema, one entry per version: entry i takes a database from version i to i + 1. Appended
 * to, never edited: a file records the version it is at and gets only the steps it lacks.
 */
export const SCHEMA_MIGRATIONS: readonly string[] = [
  `CREATE TABLE registrations (
     aor TEXT NOT NULL, key TEXT NOT NULL, contact TEXT NOT NULL, q REAL NOT NULL,
     expires_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, call_id TEXT NOT NULL, cseq INTEGER NOT NULL,
     path TEXT NOT NULL, instance_id TEXT, reg_id INTEGER, source TEXT NOT NULL, user_agent TEXT,
     PRIMARY KEY (aor, key)) WITHOUT ROWID;
   CREATE INDEX registrations_expiry ON registrations (expires_at);
   CREATE TABLE cdrs (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, call_id TEXT NOT NULL, caller TEXT NOT NULL,
     callee TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, disposition TEXT, status INTEGER,
     record TEXT NOT NULL);
   CREATE INDEX cdrs_started ON cdrs (started_at);
   CREATE INDEX cdrs_call_id ON cdrs (call_id);`,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = SCHEMA_MIGRATIONS.length;

/** A driver error as a StorageError (SQLITE_BUSY, SQLITE_FULL, … by code or message). */
export function storageError(e: unknown, doing: string): StorageError {
  if (e instanceof StorageError) return e;
  const text = `${(e as { code?: unknown })?.code ?? ""} ${(e as { errstr?: unknown })?.errstr ?? ""} ${(e as Error)?.message ?? String(e)}`;
  const code: StorageErrorCode = /BUSY|LOCKED|database is locked/i.test(text)
    ? "BUSY"
    : /FULL|disk is full|database or disk is full/i.test(text)
      ? "FULL"
      : "FAILED";
  return new StorageError(code, `${doing}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

/** Brings the schema to {@link SCHEMA_VERSION}, each step in its own transaction. */
function migrate(db: SqliteDatabase, path: string): void {
  const row = db.prepare("PRAGMA user_version").all()[0];
  const version = Number(row?.["user_version"] ?? 0);
  if (version > SCHEMA_VERSION) {
    throw new StorageError("SCHEMA", `${path}: schema version ${version} is newer than this siphon's (${SCHEMA_VERSION}); use a newer siphon or another file`);
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    try {
      db.exec("BEGIN IMMEDIATE");
      db.exec(SCHEMA_MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec("COMMIT");
    } catch (e) {
      try {
        db.exec("ROLLBACK");
      } catch {
        // No transaction left to roll back.
      }
      throw new StorageError("SCHEMA", `${path}: migration to schema version ${v + 1} failed: ${(e as Error).message}`, { cause: e });
    }
  }
}

interface Pending {
  run: () => void;
  resolve: () => void;
  reject: (e: StorageError) => void;
}

/**
 * A {@link Storage} on an open SQLite database (from the runtime's `openSqlite`). Sets WAL and
 * the synchronous level, migrates the schema, and throws StorageError SCHEMA for a file written by
 * a newer schema.
 */
export function createSqliteStorage(db: SqliteDatabase, options: SqliteStorageOptions = {}): Storage {
  const path = options.path ?? "sqlite";
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeout ?? 5000))}`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  } catch (e) {
    throw storageError(e, `${path}: setting up`);
  }
  migrate(db, path);

  let put: SqliteStatement, del: SqliteStatement, addCdr: SqliteStatement;
  try {
    put = db.prepare(
      `INSERT OR REPLACE INTO registrations (aor, key, contact, q, expires_at, updated_at, call_id, cseq, path, instance_id, reg_id, source, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    del = db.prepare("DELETE FROM registrations WHERE aor = ? AND key = ?");
    addCdr = db.prepare(
      `INSERT INTO cdrs (id, call_id, caller, callee, started_at, ended_at, disposition, status, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  } catch (e) {
    throw storageError(e, `${path}: preparing statements`);
  }
  const lastId = db.prepare("SELECT last_insert_rowid() AS id");

  const defer = options.defer ?? ((run: () => void) => queueMicrotask(run));
  let pending: Pending[] = [];
  let scheduled = false;
  let closed = false;
  let idle: (() => void)[] = [];

  /** Commits every pending write in one transaction; each settles with the transaction. */
  const commit = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    let failure: StorageError | undefined;
    try {
      db.exec("BEGIN IMMEDIATE");
      for (const p of batch) p.run();
      db.exec("COMMIT");
    } catch (e) {
      failure = storageError(e, `${path}: writing`);
      try {
        db.exec("ROLLBACK");
      } catch {
        // The failed statement may have rolled the transaction back already.
      }
    }
    for (const p of batch) failure ? p.reject(failure) : p.resolve();
    if (pending.length === 0) for (const f of idle.splice(0)) f();
  };

  const enqueue = (run: () => void): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (closed) return reject(new StorageError("CLOSED", `${path}: storage is closed`));
      pending.push({ run, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        defer(commit);
      }
    });

  const registrations: RegistrationStore = {
    async load(now) {
      if (closed) throw new StorageError("CLOSED", `${path}: storage is closed`);
      try {
        db.prepare("DELETE FROM registrations WHERE expires_at <= ?").run(now);
        return db.prepare("SELECT * FROM registrations").all().map(rowToBinding);
      } catch (e) {
        throw storageError(e, `${path}: loading registrations`);
      }
    },
    apply(changes) {
      if (changes.length === 0) return Promise.resolve();
      return enqueue(() => {
        for (const c of changes) {
          if (c.type === "remove") {
            del.run(c.aor, c.key);
            continue;
          }
          const b = c.binding;
          put.run(
            b.aor,
            bindingKey(b),
            b.contact,
            b.q,
            b.expiresAt,
            b.updatedAt,
            b.callId,
            b.cseq,
            JSON.stringify(b.path),
            b.instanceId ?? null,
            b.regId ?? null,
            b.source,
            b.userAgent ?? null,
          );
        }
      });
    },
  };

  const cdrs: CdrStore = {
    async add(r: CallRecord) {
      let seq = 0;
      await enqueue(() => {
        // The columns are for queries; the record itself is kept whole as JSON.
        addCdr.run(r.id, r.callId, r.from, r.to, r.startedAt, r.endedAt ?? null, r.disposition ?? null, r.status ?? null, JSON.stringify(r));
        seq = Number(lastId.all()[0]?.["id"] ?? 0);
      });
      return seq;
    },
    async list(query) {
      if (closed) throw new StorageError("CLOSED", `${path}: storage is closed`);
      const limit = Math.min(Math.max(1, Math.floor(query?.limit ?? 100)), 1000);
      try {
        const rows =
          query?.before === undefined
            ? db.prepare("SELECT seq, record FROM cdrs ORDER BY seq DESC LIMIT ?").all(limit)
            : db.prepare("SELECT seq, record FROM cdrs WHERE seq < ? ORDER BY seq DESC LIMIT ?").all(query.before, limit);
        return rows.map(rowToCdr);
      } catch (e) {
        throw storageError(e, `${path}: reading call records`);
      }
    },
  };

  const flush = (): Promise<void> =>
    pending.length === 0 && !scheduled
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          idle.push(resolve);
        });

  return {
    kind: "sqlite",
    location: path,
    registrations,
    cdrs,
    flush,
    async close() {
      if (closed) return;
      if (pending.length > 0) commit();
      closed = true;
      idle = [];
      try {
        db.close();
      } catch (e) {
        throw storageError(e, `${path}: closing`);
      }
    },
  };
}

const str = (v: SqliteValue | undefined): string | undefined => (v === null || v === undefined ? undefined : String(v));

function rowToBinding(r: Record<string, SqliteValue>): Binding {
  return {
    aor: String(r["aor"]),
    contact: String(r["contact"]),
    q: Number(r["q"]),
    expiresAt: Number(r["expires_at"]),
    updatedAt: Number(r["updated_at"]),
    callId: String(r["call_id"]),
    cseq: Number(r["cseq"]),
    path: JSON.parse(String(r["path"])) as string[],
    instanceId: str(r["instance_id"]),
    regId: r["reg_id"] === null || r["reg_id"] === undefined ? undefined : Number(r["reg_id"]),
    source: String(r["source"]),
    userAgent: str(r["user_agent"]),
  };
}

function rowToCdr(r: Record<string, SqliteValue>): StoredCallRecord {
  return { ...(JSON.parse(String(r["record"])) as CallRecord), seq: Number(r["seq"]) };
}
