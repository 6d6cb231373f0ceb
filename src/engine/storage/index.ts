/**
 * The engine's storage: registrations and call-detail records behind {@link RegistrationStore} and
 * {@link CdrStore}, in memory or in an embedded SQLite file (WAL, schema version with migrations,
 * one commit per turn of the event loop, each write settled when durable) through the runtime's
 * SQLite driver.
 * @module
 */
export { createMemoryStorage } from "./memory.ts";
export { createSqliteStorage, SCHEMA_MIGRATIONS, SCHEMA_VERSION } from "./sqlite-store.ts";
export type { SqliteStorageOptions } from "./sqlite-store.ts";
export type { SqliteDatabase, SqliteOpener, SqliteStatement, SqliteValue } from "./sqlite.ts";
export { StorageError } from "./errors.ts";
export type { StorageErrorCode } from "./errors.ts";
export type { CdrQuery, CdrStore, RegistrationStore, Storage, StoredCallRecord } from "./types.ts";
