import { describe, expect, it } from "vitest";
import { MediaPortPool } from "../../src/driver/media-ports.ts";
import type { MediaSocketRuntime } from "../../src/driver/media-ports.ts";

/** A runtime whose binds fail (EADDRINUSE) on the ports `taken` says, and succeed elsewhere. */
function runtime(taken: (port: number) => boolean): MediaSocketRuntime {
  return {
    async udpBind(o) {
      if (taken(o.port)) throw Object.assign(new Error(`bind EADDRINUSE ${o.host}:${o.port}`), { code: "EADDRINUSE" });
      return { local: { host: o.host, port: o.port }, send() {}, close() {} };
    },
  };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("media port pool", () => {
  it("RFC 3550 §11: with pairs ready a refill gives up after 64 busy ports in a row; with none ready it walks on until it binds", async () => {
    // 4 free pairs, then 996 bound by someone else (or still closing), then free again.
    const pool = new MediaPortPool(runtime((port) => port >= 20008 && port < 22000), { host: "127.0.0.1", minPort: 20000, maxPort: 29999, spare: 4 });
    await pool.fill();
    expect([pool.ready, pool.busy]).toEqual([4, 0]);
    // A take with 3 pairs still ready: the refill stops after 64 failed binds, not 996.
    pool.take();
    await turn();
    expect([pool.ready, pool.busy]).toEqual([3, 64]);
    // The pool emptied: the next run walks the busy ports to the free ones.
    for (let i = 0; i < 3; i++) pool.take();
    await turn();
    expect([pool.ready, pool.busy]).toEqual([4, 996]);
    const pair = pool.take()!;
    expect([pair.port % 2, pair.port >= 22000]).toEqual([0, true]);
    pool.close();
  });
});
