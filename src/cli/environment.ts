/**
 * What the commands take from the executable besides the process's I/O: the runtime record (loaded
 * only by the commands that need one, so `--help` and argument errors never open a socket) and the
 * machine's interface addresses. `main.ts` fills it from `runtimes/`; tests fill it with a fake
 * runtime and a virtual network.
 */
import type { MediaRuntime } from "../driver/index.ts";
import type { DriverRuntime } from "../driver/index.ts";
import { isIpLiteral, unbracket } from "../transport/index.ts";

/** A runtime record for the commands: the driver's, with the media driver's SRTP crypto when the runtime has one. */
export type CliRuntime = DriverRuntime & Pick<MediaRuntime, "srtpCrypto">;

/** What the commands need from the executable. */
export interface CliEnvironment {
  /** The runtime record of the running runtime. */
  loadRuntime(): Promise<CliRuntime>;
  /** This machine's interface addresses, not loopback: IPv4 first, then IPv6. */
  localAddresses(): string[];
}

/** Whether `host` (an IP literal or a name) is this machine's loopback. */
export function isLoopback(host: string): boolean {
  const h = unbracket(host).toLowerCase();
  return h === "localhost" || h === "::1" || /^127\./.test(h);
}

/**
 * Where to bind and what to write in Via, Contact and SDP, for talking to `peerHost`: `--bind`
 * when given (advertising `--public`, else the bind address, else the first interface address when
 * bound to the wildcard), loopback for a peer on loopback, else the wildcard advertised as the
 * first interface address.
 */
export function localBinding(env: CliEnvironment, peerHost: string | undefined, bind?: string, advertise?: string): { host: string; advertised: string } {
  if (bind !== undefined) {
    const wildcard = bind === "0.0.0.0" || bind === "::";
    return { host: bind, advertised: advertise ?? (wildcard ? (env.localAddresses()[0] ?? "127.0.0.1") : bind) };
  }
  if (peerHost !== undefined && isLoopback(peerHost)) return { host: "127.0.0.1", advertised: advertise ?? "127.0.0.1" };
  const first = env.localAddresses().find((a) => isIpLiteral(a) && !a.includes(":")) ?? env.localAddresses()[0];
  if (first === undefined) return { host: "127.0.0.1", advertised: advertise ?? "127.0.0.1" };
  return { host: "0.0.0.0", advertised: advertise ?? first };
}
