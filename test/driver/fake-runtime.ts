import type { DatagramHandlers, DriverRuntime, SocketAddress, StreamConnection, StreamHandlers } from "../../src/driver/index.ts";

/**
 * A runtime record with a virtual clock and an in-memory network (UDP and TCP streams; TLS listens
 * and connects as plain streams): the driver is written against the record only, so it runs on this
 * as on Node, Deno or Bun. Deliveries are microtasks; `advance` fires timers in deadline order, each
 * at its own time, so a timer is late only when a callback made the clock jump (`stall`).
 */
export function fakeRuntime() {
  let clock = 0;
  let nextTimer = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const bound = new Map<string, DatagramHandlers>();
  const listening = new Map<string, (c: StreamConnection) => StreamHandlers>();
  const wire: { from: SocketAddress; to: SocketAddress; text: string }[] = [];
  let ephemeral = 30000;
  let seed = 1;
  const key = (a: SocketAddress) => `${a.host}:${a.port}`;

  /** Two ends of an in-memory stream; `a` is the connecting side. */
  function pipe(aAddr: SocketAddress, bAddr: SocketAddress) {
    const ends: { handlers?: StreamHandlers; closed: boolean }[] = [{ closed: false }, { closed: false }];
    const end = (i: 0 | 1, local: SocketAddress, remote: SocketAddress): StreamConnection => ({
      local,
      remote,
      write(data) {
        const peer = ends[1 - i]!;
        const copy = data.slice();
        if (!ends[i]!.closed) queueMicrotask(() => !peer.closed && peer.handlers?.onData(copy));
      },
      close() {
        for (const e of ends) {
          if (e.closed) continue;
          e.closed = true;
          const h = e.handlers;
          queueMicrotask(() => h?.onClose());
        }
      },
    });
    return { ends, a: end(0, aAddr, bAddr), b: end(1, bAddr, aAddr) };
  }

  const rt: DriverRuntime = {
    name: "node",
    now: () => clock,
    setTimer(ms, fn) {
      const id = nextTimer++;
      timers.set(id, { at: clock + ms, fn });
      return id;
    },
    clearTimer: (h) => void timers.delete(h as number),
    randomBytes: (n) => new Uint8Array(n).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24),
    async udpBind(o, handlers) {
      const local = { host: o.host, port: o.port || ephemeral++ };
      bound.set(key(local), handlers);
      return {
        local,
        send(data, host, port) {
          wire.push({ from: local, to: { host, port }, text: new TextDecoder().decode(data) });
          const h = bound.get(`${host}:${port}`);
          const copy = data.slice();
          if (h) queueMicrotask(() => h.onMessage(copy, local));
        },
        close: () => void bound.delete(key(local)),
      };
    },
    async streamListen(o, onConnection) {
      const local = { host: o.host, port: o.port || ephemeral++ };
      listening.set(key(local), onConnection);
      return { local, close: async () => void listening.delete(key(local)) };
    },
    async streamConnect(o, handlers) {
      const accept = listening.get(`${o.host}:${o.port}`);
      if (!accept) throw new Error("ECONNREFUSED");
      const p = pipe({ host: "10.0.0.99", port: ephemeral++ }, { host: o.host, port: o.port });
      p.ends[0]!.handlers = handlers;
      p.ends[1]!.handlers = accept(p.b);
      return p.a;
    },
    dns: { lookup: async () => [], resolveSrv: async () => [], resolveNaptr: async () => [] },
  };

  /** Lets deliveries in flight (microtasks) and the work they cause run. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };

  /** Advances the virtual clock by `ms`, firing each due timer at its own deadline. */
  const advance = async (ms: number) => {
    const end = clock + ms;
    await settle();
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      clock = Math.max(clock, due[1].at);
      due[1].fn();
      await settle();
    }
    clock = Math.max(clock, end);
  };

  /** The process is busy for `ms` (a TU computing, a stalled loop): time passes, nothing runs. */
  const stall = (ms: number) => {
    clock += ms;
  };

  /** Sends a raw datagram to a bound UDP address from `from`. */
  const inject = (to: SocketAddress, from: SocketAddress, text: string) => {
    const h = bound.get(key(to));
    if (h) queueMicrotask(() => h.onMessage(new TextEncoder().encode(text), from));
  };

  /** Binds a UDP address that records what it receives. */
  const sink = (at: SocketAddress) => {
    const got: string[] = [];
    bound.set(key(at), { onMessage: (d) => got.push(new TextDecoder().decode(d)) });
    return got;
  };

  return { rt, wire, advance, settle, stall, inject, sink, now: () => clock };
}
