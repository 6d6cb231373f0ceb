/**
 * The SQLite driver the engine needs, declared here and implemented by each runtime (Node:
 * better-sqlite3, Deno: node:sqlite, Bun: bun:sqlite; `runtimes/<rt>/sqlite.ts`). All three are
 * synchronous and embedded: no server to start. Positional `?` parameters only.
 */

/** A value bound to, or read from, SQLite. */
export type SqliteValue = string | number | bigint | null | Uint8Array;

/** A prepared statement. */
export interface SqliteStatement {
  /** Runs the statement (INSERT, UPDATE, DELETE, DDL). */
  run(...params: SqliteValue[]): void;
  /** Runs a query and returns every row as an object keyed by column name. */
  all(...params: SqliteValue[]): Record<string, SqliteValue>[];
}

/** An open database. Methods throw the driver's own errors; the store maps them to `StorageError`. */
export interface SqliteDatabase {
  /** Runs one or more statements without parameters. */
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/**
 * Opens (creating when missing) the database file at `path`. Rejects with `StorageError`
 * UNAVAILABLE when the runtime has no SQLite driver (Node without the optional better-sqlite3).
 */
export type SqliteOpener = (path: string) => Promise<SqliteDatabase>;
