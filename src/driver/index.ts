/**
 * The driver: runs the sans-I/O transport (and optionally transaction) cores on a runtime's sockets
 * and timers, with overload control; `createSessionEndpoint` runs a session core on them too.
 * Web-standard code; every runtime API comes through the {@link DriverRuntime} record this layer
 * declares and `runtimes/` implements.
 */
export { createSipEndpoint } from "./endpoint.ts";
export { createSessionEndpoint } from "./session-endpoint.ts";
export type { PublicAddress, SessionEndpoint, SessionEndpointOptions } from "./session-endpoint.ts";
export type { SipEndpoint, SipEndpointOptions } from "./endpoint.ts";
export type { ListenOptions } from "./sockets.ts";
export type { OverloadOptions, OverloadState } from "./overload.ts";
export type { TransportUser } from "./transport-user.ts";
export { CLOSE_GRACE, MAX_WRITE_BUFFER } from "./runtime.ts";
export type * from "./runtime.ts";
export { createMediaDriver } from "./media-driver.ts";
export type { MediaDriver, MediaDriverOptions, MediaDriverStats, MediaRelayOwner, MediaRuntime, RelayLegSetup, RunningRelay } from "./media-driver.ts";
export type { MediaPortOptions, MediaPortPool, PortPair, PortPairSink } from "./media-ports.ts";
export { rtpMediaHandlers } from "./media-handler.ts";
export type { InfoDtmfEvent, RtpMediaEvent, RtpMediaHandler, RtpMediaOptions } from "./media-handler.ts";
