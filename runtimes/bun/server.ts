import { wrapSqlite } from "../node/sqlite.ts";
import { StorageError } from "../../src/engine/storage/errors.ts";
import type { SqliteDatabase } from "../../src/engine/storage/sqlite.ts";
import type { HttpHandler, HttpListener } from "../../src/engine/server/runtime.ts";

/** The slice of `Bun.serve` used here (see bun-api.ts for why it is typed here). */
interface BunServeApi {
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Response | Promise<Response>; error?: (e: Error) => Response }): {
    readonly port: number;
    stop(closeActiveConnections?: boolean): void | Promise<void>;
  };
}

/** Opens an SQLite file with bun:sqlite, Bun's embedded SQLite. */
export async function openSqlite(path: string): Promise<SqliteDatabase> {
  try {
    // import.meta.require: Bun's synchronous loader, so neither Node's tsc nor JSR looks for bun:sqlite.
    const req = (import.meta as unknown as { require(id: string): unknown }).require;
    const mod = req("bun:sqlite") as { Database: new (path: string, o: { create: boolean }) => Parameters<typeof wrapSqlite>[0] };
    return wrapSqlite(new mod.Database(path, { create: true }));
  } catch (e) {
    throw new StorageError("UNAVAILABLE", `cannot open ${path} with bun:sqlite: ${(e as Error).message}`, { cause: e });
  }
}

/** An HTTP listener on `Bun.serve`. */
export async function serveHttp(options: { host: string; port: number }, handler: HttpHandler): Promise<HttpListener> {
  const server = (globalThis as unknown as { Bun: BunServeApi }).Bun.serve({
    hostname: options.host,
    port: options.port,
    fetch: handler,
    error: () => new Response("bad request\n", { status: 400 }),
  });
  return { local: { host: options.host, port: server.port }, close: async () => void (await server.stop(true)) };
}
