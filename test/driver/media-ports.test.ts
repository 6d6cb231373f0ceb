import { describe, expect, it } from "vitest";
import { MediaPortPool } from "../../src/driver/media-ports.ts";
import type { MediaSocketRuntime } from "../../src/driver/media-ports.ts";

/** A runtime whose binds fail (EADDRINUSE) on the ports of `taken`, and succeed elsewhere. */
function runtime(taken: (port: number) => boolean) {
  let attempts = 0;
  const rt: MediaSocketRuntime = {
    async udpBind(o) {
      attempts++;
      if (taken(o.port)) throw Object.assign(new Error(`bind EADDRINUSE ${o.host}:${o.port}`), { code: "EADDRINUSE" });
      return { local: { host: o.host, port: o.port }, send() {}, close() {} };
    },
  };
  return { rt, attempts: () => attempts };
}

describe("media port pool", () => {
  it("RFC 3550 §11: a fill run skips ports busy elsewhere, gives up after 64 in a row, and the next take goes on from there", async () => {
    // The first 1 000 pairs of the range are bound by someone else (or still closing).
    const r = runtime((port) => port < 22000);
    const pool = new MediaPortPool(r.rt, { host: "127.0.0.1", minPort: 20000, maxPort: 29999, spare: 4 });
    await pool.fill();
    // One run: 64 failed binds, then it stopped (not the whole range's 5 000 at once).
    expect([pool.ready, pool.busy, r.attempts()]).toEqual([0, 64, 64]);
    // Every take starts a run from where the last stopped, until pairs past the busy ones are bound.
    for (let i = 0; i < 20 && pool.ready < 4; i++) {
      expect(pool.take()).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(pool.ready).toBe(4);
    expect(pool.busy).toBe(1000);
    const pair = pool.take()!;
    expect([pair.port % 2, pair.port >= 22000]).toEqual([0, true]);
    pool.close();
  });
});
