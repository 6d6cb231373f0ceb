import { SiphonError } from "../../errors.ts";

/** Why a store failed. */
export type StorageErrorCode =
  | "UNAVAILABLE" // no SQLite for this runtime (better-sqlite3 not installed on Node), or the file cannot be opened
  | "BUSY" // the database stayed locked past the busy timeout
  | "FULL" // the disk or the database is full
  | "SCHEMA" // the file's schema version is newer than this build knows, or a migration failed
  | "CLOSED" // the store was closed
  | "FAILED"; // any other error of the database

/** A store that could not read or write; `cause` holds the database's own error. */
export class StorageError extends SiphonError {
  declare readonly code: StorageErrorCode;
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
