/**
 * The B2BUA and call engine: incoming INVITEs routed to services or bridged to a second dialog
 * (UAS leg ↔ UAC leg) with optional media anchoring through siphon's RTP sessions, and the CDR
 * events of every call.
 */
export { createCallEngine } from "./call-engine.ts";
export type { CallAction, CallEngine, CallEngineCounters, CallEngineOptions, IncomingCall } from "./call-engine.ts";
export { callerStatus } from "./bridge.ts";
export { dispositionOf } from "./cdr.ts";
export type { CallDisposition, CallRecord, CdrEvent, LegMediaRecord, RelayLegRecord } from "./cdr.ts";
