/**
 * The driver: runs the sans-I/O transport (and optionally transaction) cores on a runtime's sockets
 * and timers. Web-standard code; every runtime API comes through the `Runtime` record.
 */
export { createSipEndpoint } from "./endpoint.ts";
export type { ListenOptions, SipEndpoint, SipEndpointOptions } from "./endpoint.ts";
