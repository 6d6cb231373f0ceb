import type { DnsResolver, NaptrRecord, SrvRecord } from "./dns.ts";
import type { SipUri } from "../sip/index.ts";
import { defaultPort, isIpLiteral, unbracket } from "./address.ts";
import { TransportError } from "./errors.ts";
import type { Target } from "./layer.ts";
import type { TransportProtocol } from "./types.ts";

/** Options of {@link locateServer}. */
export interface LocateOptions {
  /** Transports this client can use, in order of preference. Default UDP, TCP, TLS. */
  transports?: TransportProtocol[];
  /** A number in [0, 1) for the RFC 2782 weighted choice; default `Math.random`. Injected by tests. */
  random?: () => number;
  /** Prefer IPv6 addresses of a host over IPv4 ones. Default false (IPv4 first). */
  preferIpv6?: boolean;
}

/** NAPTR services for SIP (RFC 3263 §4.1; RFC 7118 §7 adds D2W). */
const SERVICES: Record<string, TransportProtocol> = {
  "SIP+D2U": "UDP",
  "SIP+D2T": "TCP",
  "SIPS+D2T": "TLS",
  "SIP+D2W": "WS",
  "SIPS+D2W": "WSS",
};

const SRV_PREFIX: Record<TransportProtocol, string> = {
  UDP: "_sip._udp.",
  TCP: "_sip._tcp.",
  TLS: "_sips._tcp.",
  WS: "_sip._ws.",
  WSS: "_sips._ws.",
};

const SECURE = (t: TransportProtocol) => t === "TLS" || t === "WSS";

/**
 * An ordered list of targets to try (RFC 3263 §4.3): the transaction user sends to `current`, and on
 * a transport error, a timeout or a 503 (RFC 3263 §4.3: "the client SHOULD try the next element")
 * calls `next()` and retries with a new transaction (new branch).
 */
export class TargetList {
  private index = 0;

  constructor(readonly targets: readonly Target[]) {}

  /** The target to use now; undefined when every target has failed. */
  get current(): Target | undefined {
    return this.targets[this.index];
  }

  /** Moves to the next target and returns it (undefined when none are left). */
  next(): Target | undefined {
    if (this.index < this.targets.length) this.index++;
    return this.current;
  }

  /** Targets not tried yet, the current one included. */
  get remaining(): number {
    return this.targets.length - this.index;
  }
}

/**
 * RFC 3263 §4.1–4.2 for a URI whose target (its maddr, else its host) is a numeric IP address: the
 * one target, found without DNS — the `transport` parameter, else UDP for SIP and TLS for SIPS
 * ("if no transport protocol is specified, but the TARGET is a numeric IP address, the client
 * SHOULD use UDP for a SIP URI, and TCP for a SIPS URI"), and the URI's port or the transport's
 * default. Undefined for a host name.
 */
export function numericTarget(uri: SipUri): Target | undefined {
  const maddr = uri.params["maddr"];
  const host = unbracket(typeof maddr === "string" && maddr !== "" ? maddr : uri.host);
  if (!isIpLiteral(host)) return undefined;
  const sips = uri.scheme === "sips";
  const explicit = typeof uri.params["transport"] === "string" ? transportParam(uri.params["transport"], sips) : undefined;
  const transport = explicit ?? (sips ? "TLS" : "UDP");
  // §4.2: "If TARGET is a numeric IP address, the client uses that address. If the URI also
  // contains a port, it uses that port. If no port is specified, it uses the default port".
  return { transport, host, port: uri.port ?? defaultPort(transport), hostname: host };
}

/**
 * RFC 3263 §4 server location for a SIP or SIPS URI: the transport (explicit `transport`
 * parameter, numeric host, explicit port, NAPTR, SRV, or the default), then the addresses (SRV
 * ordered by priority and weight per RFC 2782, each target's A/AAAA records), in the order a client
 * should try them. Rejects with TransportError `RESOLVE_FAILED` when nothing is found.
 */
export async function locateServer(uri: SipUri, resolver: DnsResolver, options: LocateOptions = {}): Promise<TargetList> {
  const supported = options.transports ?? ["UDP", "TCP", "TLS"];
  const random = options.random ?? Math.random;
  const sips = uri.scheme === "sips";
  const usable = supported.filter((t) => !sips || SECURE(t));
  const maddr = uri.params["maddr"];
  // §4: "If the URI contains an maddr parameter, the target is the value of that parameter".
  const host = unbracket(typeof maddr === "string" && maddr !== "" ? maddr : uri.host);
  const numeric = isIpLiteral(host);
  const explicit = typeof uri.params["transport"] === "string" ? transportParam(uri.params["transport"], sips) : undefined;
  const addrs = (name: string) => addresses(resolver, name, options.preferIpv6 ?? false);
  const out: Target[] = [];

  // §4.1: an explicit transport parameter wins; a numeric host or an explicit port means UDP
  // (sip) or TCP / TLS (sips) unless the parameter says otherwise.
  if (explicit || numeric || uri.port !== undefined) {
    const transport = explicit ?? (sips ? "TLS" : "UDP");
    if (numeric) return new TargetList([numericTarget(uri)!]);
    // "If the TARGET was not a numeric IP address, but a port is present in the URI, the client
    // performs an A or AAAA record lookup of the domain name."
    if (uri.port !== undefined) {
      for (const a of await addrs(host)) out.push({ transport, host: a, port: uri.port, hostname: host });
      return done(out, host);
    }
    // "If the TARGET was not a numeric IP address, and no port was present in the URI, the client
    // performs an SRV query on the record returned from the NAPTR processing of Section 4.1, if such
    // processing was performed. If it was not, ... an SRV query on the domain name constructed by
    // the transport parameter".
    await srvTargets(resolver, SRV_PREFIX[transport] + host, transport, random, addrs, out);
    if (out.length === 0) for (const a of await addrs(host)) out.push({ transport, host: a, port: defaultPort(transport), hostname: host });
    return done(out, host);
  }

  // §4.1: NAPTR first. "The client MUST discard any service fields that identify a resolution
  // service whose value is not sips, for a SIPS URI" and those it does not support.
  const naptr = (await resolver.resolveNaptr(host))
    .filter((r) => SERVICES[r.service.toUpperCase()] !== undefined && usable.includes(SERVICES[r.service.toUpperCase()]!))
    .filter((r) => r.flags.toLowerCase() === "s")
    .sort(byOrder);
  for (const r of naptr) {
    const transport = SERVICES[r.service.toUpperCase()]!;
    await srvTargets(resolver, r.replacement, transport, random, addrs, out);
  }
  if (out.length > 0) return done(out, host);

  // "If no NAPTR records are found, the client constructs SRV queries for those transport
  // protocols it supports, and does a query for each." Results are tried in the client's order.
  for (const transport of usable) await srvTargets(resolver, SRV_PREFIX[transport] + host, transport, random, addrs, out);
  if (out.length > 0) return done(out, host);

  // "If no SRV records were found, the client SHOULD use TCP for a SIPS URI, and UDP for a SIP URI"
  // with an A/AAAA lookup and the default port (§4.2).
  const transport: TransportProtocol = sips ? "TLS" : "UDP";
  for (const a of await addrs(host)) out.push({ transport, host: a, port: defaultPort(transport), hostname: host });
  return done(out, host);
}

/**
 * RFC 3263 §4.3: "If a failure occurs ... (timeout or 503 response from the server), the client
 * SHOULD try the next element". True for a transaction timeout, a transport error, and a 503;
 * accepts the transaction layer's events (`{ type, response? }`).
 */
export function shouldTryNextTarget(outcome: { readonly type: string; readonly response?: { readonly status: number } }): boolean {
  if (outcome.type === "timeout" || outcome.type === "transport-error") return true;
  return outcome.type === "response" && outcome.response?.status === 503;
}

function done(out: Target[], host: string): TargetList {
  if (out.length === 0) throw new TransportError("RESOLVE_FAILED", `no SIP server found for ${host} (RFC 3263)`);
  return new TargetList(out);
}

function transportParam(value: string, sips: boolean): TransportProtocol | undefined {
  switch (value.toLowerCase()) {
    case "udp":
      return "UDP";
    case "tcp":
      return sips ? "TLS" : "TCP";
    case "tls":
      return "TLS";
    case "ws":
      return sips ? "WSS" : "WS";
    case "wss":
      return "WSS";
    default:
      return undefined;
  }
}

function byOrder(a: NaptrRecord, b: NaptrRecord): number {
  return a.order - b.order || a.preference - b.preference;
}

async function addresses(resolver: DnsResolver, name: string, preferIpv6: boolean): Promise<string[]> {
  if (isIpLiteral(name)) return [unbracket(name)];
  const records = await resolver.lookup(name);
  const v4 = records.filter((r) => r.family === 4).map((r) => r.address);
  const v6 = records.filter((r) => r.family === 6).map((r) => r.address);
  return preferIpv6 ? [...v6, ...v4] : [...v4, ...v6];
}

async function srvTargets(
  resolver: DnsResolver,
  name: string,
  transport: TransportProtocol,
  random: () => number,
  addrs: (name: string) => Promise<string[]>,
  out: Target[],
): Promise<void> {
  const records = orderSrv(await resolver.resolveSrv(name), random);
  for (const r of records) {
    // RFC 2782: a target of "." means the service is decidedly not available.
    if (r.target === "" || r.target === ".") continue;
    for (const a of await addrs(r.target)) {
      out.push({ transport, host: a, port: r.port, hostname: r.target });
    }
  }
}

/**
 * RFC 2782 ordering: ascending priority; within a priority, a weighted random permutation (each
 * pick has probability weight / sum of remaining weights; weight-0 records are first in the list so
 * they have a small chance when all others are 0 too).
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    const list = byPriority.get(r.priority);
    if (list) list.push(r);
    else byPriority.set(r.priority, [r]);
  }
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // "arrange all SRV RRs (that have not been ordered yet) in any order, except that all those
    // with weight 0 are placed at the beginning of the list."
    const left = byPriority.get(priority)!.slice().sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (left.length > 0) {
      const total = left.reduce((s, r) => s + r.weight, 0);
      // "choose a uniform random number between 0 and the sum computed (inclusive), and select the
      // RR whose running sum value is the first in the selected order which is greater than or
      // equal to the random number selected."
      const pick = Math.floor(random() * (total + 1));
      let running = 0;
      let chosen = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i]!.weight;
        if (running >= pick) {
          chosen = i;
          break;
        }
      }
      out.push(left[chosen]!);
      left.splice(chosen, 1);
    }
  }
  return out;
}
