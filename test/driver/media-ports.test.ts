import { describe, expect, it } from "vitest";
import { MediaPortPool } from "../../src/driver/media-ports.ts";
import type { MediaSocketRuntime } from "../../src/driver/media-ports.ts";

/** A runtime whose binds fail (EADDRINUSE) on the ports `taken` says, and succeed elsewhere. */
function runtime(taken: (port: number) => boolean, clock = { now: 0 }): MediaSocketRuntime & { binds: number } {
  return {
    binds: 0,
    now: () => clock.now,
    async udpBind(o) {
      this.binds++;
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

  it("a port busy elsewhere is set aside: a range used up but for it costs no bind per take, and it is tried again after 5 s", async () => {
    // 8 pairs, the last one's RTP port held by another process.
    const clock = { now: 0 };
    const rt = runtime((port) => port === 20014, clock);
    const pool = new MediaPortPool(rt, { host: "127.0.0.1", minPort: 20000, maxPort: 20015, spare: 8 });
    await pool.fill();
    expect([pool.ready, pool.busy, rt.binds]).toEqual([7, 1, 15]);
    // Every take and release while the port is set aside binds nothing.
    for (let i = 0; i < 20; i++) {
      clock.now += 100;
      const pair = pool.take(clock.now)!;
      await turn();
      pool.cool(pair, clock.now);
      pool.releaseCooled(clock.now);
    }
    expect([pool.ready, pool.busy, rt.binds]).toEqual([7, 1, 15]);
    // Five seconds on, the next refill tries it once more.
    clock.now = 5000;
    pool.take(clock.now);
    await turn();
    expect([pool.ready, pool.busy, rt.binds]).toEqual([6, 2, 16]);
    pool.close();
  });

  it("a closed pair's port is bound again last: the free ports queue behind it", async () => {
    const rt = runtime(() => false);
    const pool = new MediaPortPool(rt, { host: "127.0.0.1", minPort: 20000, maxPort: 20011, spare: 2, keep: 2 });
    await pool.fill();
    const a = pool.take()!;
    const b = pool.take()!;
    await turn();
    expect([a.port, b.port, pool.ready]).toEqual([20000, 20002, 2]);
    // Two ready already: the released pairs close and their ports go to the back of the queue.
    pool.release(a);
    pool.release(b);
    const ports: number[] = [];
    for (let i = 0; i < 4; i++) {
      ports.push(pool.take()!.port);
      await turn();
    }
    expect(ports).toEqual([20004, 20006, 20008, 20010]);
    expect(pool.take()!.port).toBe(20000);
    pool.close();
  });
});
