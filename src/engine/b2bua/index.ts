/**
 * The B2BUA and call engine: incoming INVITEs routed to services or bridged to a second dialog
 * (UAS leg ↔ UAC leg) with optional media anchoring — through the media driver's RTP relay when
 * both legs send the same codec, through an RTP session per leg (transcoding) when they differ —
 * and the CDR events of every call.
 */
export { createCallEngine } from "./call-engine.ts";
export type { CallAction, CallEngine, CallEngineCounters, CallEngineOptions, IncomingCall } from "./call-engine.ts";
export { callerStatus } from "./bridge.ts";
export { dispositionOf } from "./cdr.ts";
export type { CallDisposition, CallRecord, CdrEvent, LegMediaRecord, RelayLegRecord } from "./cdr.ts";
