import type { DriverRuntime } from "../driver/index.ts";
import { createStunBindingClient } from "../ice/index.ts";
import type { StunAddress } from "../ice/index.ts";
import { isIpLiteral, unbracket } from "../transport/index.ts";
import { ClientError } from "./errors.ts";

/**
 * Learns our public address with one STUN Binding transaction (RFC 8489 §6.2.1) to `server`
 * (`host[:port]`, default port 3478) from a UDP socket bound on `options.host`: the driver side of
 * the sans-I/O {@link createStunBindingClient}. Behind a NAT with endpoint-independent mapping
 * (RFC 4787) the address holds for our other sockets on the same host too. Rejects with
 * ClientError TIMEOUT (no answer, 39.5 s with the RFC's timers) or NO_ROUTE.
 */
export async function discoverPublicAddress(
  rt: Pick<DriverRuntime, "now" | "setTimer" | "clearTimer" | "udpBind" | "dns" | "randomBytes">,
  server: string,
  options: { readonly host?: string; readonly rtoMs?: number; readonly signal?: AbortSignal } = {},
): Promise<StunAddress> {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(server.trim().replace(/^stun:/i, ""));
  if (m === null) throw new ClientError("BAD_ARGUMENT", `not a STUN server: ${JSON.stringify(server)}`);
  const name = unbracket(m[1]!);
  const port = m[2] !== undefined ? Number(m[2]) : 3478;
  let ip = name;
  if (!isIpLiteral(name)) {
    const found = await rt.dns.lookup(name).catch(() => []);
    const first = found.find((a) => a.family === 4) ?? found[0];
    if (first === undefined) throw new ClientError("NO_ROUTE", `STUN server ${name} not found`);
    ip = first.address;
  }
  const client = createStunBindingClient({ randomBytes: (n) => rt.randomBytes(n), software: "siphon", ...(options.rtoMs !== undefined ? { rtoMs: options.rtoMs } : {}) });
  return new Promise<StunAddress>((resolve, reject) => {
    let timer: unknown;
    let socket: { send(d: Uint8Array, h: string, p: number): void; close(): void } | undefined;
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      if (timer !== undefined) rt.clearTimer(timer);
      socket?.close();
      options.signal?.removeEventListener("abort", abort);
      f();
    };
    const abort = () => finish(() => reject(new ClientError("ABORTED", "STUN: aborted", { cause: options.signal?.reason })));
    options.signal?.addEventListener("abort", abort, { once: true });
    const pump = () => {
      for (let t = client.pollTransmit(); t !== undefined; t = client.pollTransmit()) socket?.send(t, ip, port);
      for (let e = client.pollEvent(); e !== undefined; e = client.pollEvent()) {
        const ev = e;
        if (ev.type === "success") finish(() => resolve(ev.address));
        else finish(() => reject(new ClientError(ev.error.code === "TIMEOUT" ? "TIMEOUT" : "NO_ROUTE", `STUN ${server}: ${ev.error.message}`, { cause: ev.error })));
      }
      if (done) return;
      if (timer !== undefined) rt.clearTimer(timer);
      const at = client.pollTimeout();
      timer = at === undefined ? undefined : rt.setTimer(Math.max(0, at - rt.now()), () => {
        timer = undefined;
        client.handleTimeout(rt.now());
        pump();
      });
    };
    rt.udpBind({ host: options.host ?? (ip.includes(":") ? "::" : "0.0.0.0"), port: 0 }, {
      onMessage(data) {
        if (client.handleMessage(data, rt.now())) pump();
      },
    }).then((s) => {
      socket = s;
      if (done) {
        s.close();
        return;
      }
      client.start(rt.now());
      pump();
    }, (error: unknown) => finish(() => reject(new ClientError("NO_ROUTE", `STUN: cannot bind a UDP socket: ${(error as Error).message}`, { cause: error }))));
  });
}
