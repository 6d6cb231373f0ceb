/**
 * The stateful forking proxy (RFC 3261 §16): a sans-I/O core on a transaction layer, its location
 * interface, and the proxy on a driver endpoint's sockets.
 */
export { createProxyCore, ProxyCore } from "./core.ts";
export type { ProxyCounters } from "./counters.ts";
export type { ProxyEvent } from "./events.ts";
export { addressOfRecord, createStaticLocation } from "./location.ts";
export type { ProxyBinding, ProxyLocation } from "./location.ts";
export type { ForkingMode, ProxyCoreOptions, ProxyTransport } from "./options.ts";
