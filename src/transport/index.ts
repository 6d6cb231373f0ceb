/**
 * The SIP transport layer (RFC 3261 §18, RFC 3581, RFC 5626 §4.4.1 keep-alive, RFC 7118 WebSocket),
 * sans-I/O, and RFC 3263 server location. `src/driver` runs it on a runtime's sockets.
 */
export { TransportLayer } from "./layer.ts";
export type { Target } from "./layer.ts";
export { TransportError } from "./errors.ts";
export type { TransportErrorCode } from "./errors.ts";
export { TargetList, locateServer, numericTarget, orderSrv, shouldTryNextTarget } from "./locate.ts";
export type { LocateOptions } from "./locate.ts";
export { addressKey, bracket, defaultPort, isIpLiteral, isMulticast, isReliable, unbracket } from "./address.ts";
export type {
  Address,
  Flow,
  ListeningPoint,
  ListeningPointOptions,
  TransportAction,
  TransportCounters,
  TransportEvent,
  TransportOptions,
  TransportProtocol,
} from "./types.ts";
export type { AddressRecord, DnsResolver, NaptrRecord, SrvRecord } from "./dns.ts";
