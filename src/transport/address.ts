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
