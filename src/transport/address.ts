import type { TransportProtocol } from "./types.ts";

/** True for an IPv6 literal, with or without brackets. */
export function isIpv6(host: string): boolean {
  return host.includes(":");
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for an IPv4 or IPv6 literal (IPv6 with or without brackets). */
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || /^\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[\w.]+)?\]?$/.test(host);
}

/** Removes the brackets of an IPv6 reference (RFC 3261 §25.1 IPv6reference). */
export function unbracket(host: string): string {
  return host.length > 1 && host.charCodeAt(0) === 0x5b && host.charCodeAt(host.length - 1) === 0x5d
    ? host.slice(1, -1)
    : host;
}

/** Host as written in a Via or URI: IPv6 in brackets (RFC 3261 §19.1.1, RFC 5118 §4.1). */
export function bracket(host: string): string {
  return isIpv6(host) && host.charCodeAt(0) !== 0x5b ? `[${host}]` : host;
}

/** Lower-cased, unbracketed, for comparing addresses. */
export function normalizeHost(host: string): string {
  return unbracket(host).toLowerCase();
}

/** RFC 3261 §19.1.2: 5060 for UDP, TCP, SCTP; 5061 for TLS. RFC 7118 §7: 80 for WS, 443 for WSS. */
export function defaultPort(transport: TransportProtocol | string): number {
  switch (transport.toUpperCase()) {
    case "TLS":
      return 5061;
    case "WS":
      return 80;
    case "WSS":
      return 443;
    default:
      return 5060;
  }
}

/** Reliable (connection-oriented) transports retransmit themselves (RFC 3261 §17.1.1.2). */
export function isReliable(transport: string): boolean {
  const t = transport.toUpperCase();
  return t === "TCP" || t === "TLS" || t === "SCTP" || t === "TLS-SCTP" || t === "WS" || t === "WSS";
}

/** `host:port` with IPv6 bracketed. */
export function hostPort(host: string, port: number): string {
  return `${bracket(host)}:${port}`;
}

/** The unspecified addresses a listener may bind to but nobody can send to. */
export function isUnspecified(host: string): boolean {
  const h = normalizeHost(host);
  return h === "0.0.0.0" || h === "::" || h === "0:0:0:0:0:0:0:0";
}

/** The eight 16-bit groups of an IPv6 literal ("::" expanded; an embedded IPv4 tail as two groups). */
function ipv6Groups(host: string): number[] | undefined {
  let h = normalizeHost(host);
  const zone = h.indexOf("%");
  if (zone >= 0) h = h.slice(0, zone);
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) h = h.slice(0, v4.index) + (((+v4[1]! << 8) | +v4[2]!).toString(16) + ":" + ((+v4[3]! << 8) | +v4[4]!).toString(16));
  const halves = h.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...head, ...Array<number>(fill).fill(0), ...tail];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * The key a per-address connection limit counts a peer under: an IPv4 address, or the /64 prefix of
 * an IPv6 one (RFC 4291 §2.5.4: one subnet, which a single host may hold whole). IPv4-mapped IPv6
 * addresses count as their IPv4 address.
 */
export function addressKey(host: string): string {
  if (!isIpv6(host)) return host;
  const g = ipv6Groups(host);
  if (g === undefined) return normalizeHost(host);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
  return g.slice(0, 4).map((x) => x.toString(16)).join(":") + "::/64";
}

/** True for a multicast address: 224.0.0.0/4 (RFC 5771) or ff00::/8 (RFC 4291 §2.7). */
export function isMulticast(host: string): boolean {
  const h = normalizeHost(host);
  if (isIpv6(h)) return h.startsWith("ff");
  const first = parseInt(h, 10);
  return IPV4.test(h) && first >= 224 && first <= 239;
}
