/// <reference types="node" />
import { createRequire } from "node:module";
import { StorageError } from "../../src/engine/storage/errors.ts";
import type { SqliteDatabase, SqliteValue } from "../../src/engine/storage/sqlite.ts";

/** The slice of better-sqlite3 (12.x) and node:sqlite used here: both have this shape. */
interface Driver {
  exec(sql: string): unknown;
  prepare(sql: string): { run(...p: SqliteValue[]): unknown; all(...p: SqliteValue[]): unknown[] };
  close(): unknown;
}

/** Wraps a synchronous driver whose statements already have the engine's shape. */
export function wrapSqlite(db: Driver): SqliteDatabase {
  return {
    exec: (sql) => void db.exec(sql),
    prepare(sql) {
      const s = db.prepare(sql);
      return {
        run: (...p) => void s.run(...p),
        all: (...p) => s.all(...p) as Record<string, SqliteValue>[],
      };
    },
    close: () => void db.close(),
  };
}

/**
 * Opens an SQLite file on Node: better-sqlite3 (an optional dependency, 12.x for Node 20), else
 * Node's own node:sqlite (Node 22.5 and later). Rejects with StorageError UNAVAILABLE when neither
 * loads, saying how to get one.
 */
export async function openSqlite(path: string): Promise<SqliteDatabase> {
  let open: ((path: string) => Driver) | undefined;
  let why = "";
  try {
    // A CommonJS native module, required rather than imported so that JSR's analysis of the
    // sources does not look for an optional package.
    const Database = createRequire(import.meta.url)("better-sqlite3") as new (path: string) => Driver;
    open = (p) => new Database(p);
  } catch (e) {
    why = (e as Error).message.split("\n")[0]!;
    // node:sqlite is newer than the Node 20 types; getBuiltinModule (Node 22.3+) loads it without an import.
    const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    const mod = get?.("node:sqlite") as { DatabaseSync: new (path: string) => Driver } | undefined;
    if (mod !== undefined) open = (p) => new mod.DatabaseSync(p);
  }
  if (open === undefined) {
    throw new StorageError(
      "UNAVAILABLE",
      `no SQLite driver on Node ${process.versions.node}: better-sqlite3 did not load (${why}); run \`npm install better-sqlite3@12\` (it builds with node-gyp when no prebuilt binary downloads), or use Node 22.5+ (node:sqlite), or storage "memory"`,
    );
  }
  try {
    return wrapSqlite(open(path));
  } catch (e) {
    throw new StorageError("UNAVAILABLE", `cannot open ${path}: ${(e as Error).message}`, { cause: e });
  }
}
