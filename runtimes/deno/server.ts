import { wrapSqlite } from "../node/sqlite.ts";
import { StorageError } from "../../src/engine/storage/errors.ts";
import type { SqliteDatabase } from "../../src/engine/storage/sqlite.ts";
import type { HttpHandler, HttpListener, StopSignal } from "../../src/engine/server/runtime.ts";

/** The slice of the `Deno` namespace the server uses (see deno-api.ts for why it is typed here). */
interface DenoServerApi {
  serve(
    options: { hostname: string; port: number; onListen?: (addr: { hostname: string; port: number }) => void; onError?: (e: unknown) => Response },
    handler: (request: Request) => Response | Promise<Response>,
  ): { readonly addr: { hostname: string; port: number }; shutdown(): Promise<void> };
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  readTextFile(path: string): Promise<string>;
  readonly env: { get(name: string): string | undefined };
  addSignalListener(signal: StopSignal, handler: () => void): void;
  removeSignalListener(signal: StopSignal, handler: () => void): void;
}

const d = (): DenoServerApi => (globalThis as unknown as { Deno: DenoServerApi }).Deno;

/**
 * Opens an SQLite file with Deno's node:sqlite (Deno 2.2+). Loaded here, on first use, so that importing
 * this adapter elsewhere (Node 20 has no node:sqlite) does not fail.
 */
export async function openSqlite(path: string): Promise<SqliteDatabase> {
  try {
    // @ts-ignore: the repository's Node 20 types do not declare node:sqlite.
    const mod = (await import("node:sqlite")) as { DatabaseSync: new (path: string) => Parameters<typeof wrapSqlite>[0] };
    return wrapSqlite(new mod.DatabaseSync(path));
  } catch (e) {
    throw new StorageError("UNAVAILABLE", `cannot open ${path} with node:sqlite: ${(e as Error).message}`, { cause: e });
  }
}

/** An HTTP listener on `Deno.serve`. */
export function serveHttp(options: { host: string; port: number }, handler: HttpHandler): Promise<HttpListener> {
  return new Promise((resolve, reject) => {
    try {
      const server = d().serve(
        {
          hostname: options.host,
          port: options.port,
          onListen: (addr) => resolve({ local: { host: options.host, port: addr.port }, close: () => server.shutdown() }),
          onError: () => new Response("bad request\n", { status: 400 }),
        },
        handler,
      );
    } catch (e) {
      reject(e);
    }
  });
}

export const makeDirectory = (path: string): Promise<void> => d().mkdir(path, { recursive: true });
export const readTextFile = (path: string): Promise<string> => d().readTextFile(path);

export function env(name: string): string | undefined {
  try {
    return d().env.get(name);
  } catch {
    // No --allow-env: as if unset.
    return undefined;
  }
}

export function onSignal(signal: StopSignal, handler: () => void): () => void {
  d().addSignalListener(signal, handler);
  return () => d().removeSignalListener(signal, handler);
}
