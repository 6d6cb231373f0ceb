import type { CallQuality } from "../../media/index.ts";

/**
 * How a call ended, for the call-detail record: `answered` (it was answered, whoever hung up),
 * `busy` (486, 600), `no-answer` (408, 480, a timeout), `cancelled` (the caller gave up first),
 * `rejected` (another final status), `failed` (no usable answer: transport, media, 5xx from us).
 */
export type CallDisposition = "answered" | "busy" | "no-answer" | "cancelled" | "rejected" | "failed";

/** One leg's media as the call ended (anchored legs and service calls). */
export interface LegMediaRecord {
  /** The codec received (or sent), e.g. `PCMU`, `opus`. */
  readonly codec: string | undefined;
  /** The SRTP suite, or undefined for plain RTP. */
  readonly srtp: string | undefined;
  /**
   * The leg's quality figures (loss, jitter, RTT, MOS) from its last RTP session: the last stretch
   * the leg was transcoded. For a leg relayed throughout, undefined (see `relay`).
   */
  readonly quality: CallQuality | undefined;
  /** What the RTP relay counted of the leg's peer, when the leg was relayed (same codec on both legs). */
  readonly relay?: RelayLegRecord | undefined;
}

/**
 * A relayed leg's figures: what the translator counted of the packets the leg's peer sent. A relay
 * does not decode, so jitter, concealment, round-trip time and MOS are not measured; loss is the
 * RFC 3550 A.3 count from the sequence numbers of the packets that reached the relay.
 */
export interface RelayLegRecord {
  /** RTP packets from the leg's peer forwarded to the other leg. */
  readonly packetsForwarded: number;
  /** RTCP compounds from the leg's peer forwarded to the other leg. */
  readonly rtcpForwarded: number;
  /** Packets expected from the sequence numbers (RFC 3550 A.3). */
  readonly packetsExpected: number;
  /** Expected less forwarded, not below 0. */
  readonly packetsLost: number;
  /** Packets refused: SRTP authentication or replay, malformed, unknown payload type, or from a stranger. */
  readonly packetsRefused: number;
}

/** A call-detail record: what the CDR store keeps of a call (B2BUA bridge or service call). */
export interface CallRecord {
  /** The engine's id of the call (unique within the engine). */
  readonly id: string;
  /** Call-ID of the caller's leg. */
  readonly callId: string;
  /** Call-ID of the callee's leg (bridged calls). */
  readonly calleeCallId: string | undefined;
  /** The caller: the From URI. */
  readonly from: string;
  /** The callee as dialled: the To URI. */
  readonly to: string;
  /** Where the call went: the B leg's Request-URI, or `service:NAME`. */
  readonly target: string | undefined;
  /** The caller's address (`host:port`) and transport. */
  readonly source: string;
  /** The service that took the call, if any. */
  readonly service: string | undefined;
  /** Whether media went through siphon (anchored bridge, or a service). */
  readonly anchored: boolean;
  /** Wall-clock milliseconds (Unix epoch) of the INVITE, the answer and the end. */
  readonly startedAt: number;
  readonly answeredAt: number | undefined;
  readonly endedAt: number | undefined;
  /** The final status given to the caller (200 when answered). */
  readonly status: number | undefined;
  readonly disposition: CallDisposition | undefined;
  /** Who hung up an answered call (`caller`, `callee` or `engine`). */
  readonly endedBy: "caller" | "callee" | "engine" | undefined;
  /** The caller's leg media and the callee's (anchored bridges; services have the caller's only). */
  readonly callerMedia: LegMediaRecord | undefined;
  readonly calleeMedia: LegMediaRecord | undefined;
}

/**
 * The CDR events the engine reports: `start` when a call is taken, `answer` when it is answered,
 * `end` with the whole record. A CDR store writes `end` (and may keep `start` for live calls).
 */
export type CdrEvent =
  | { readonly type: "start"; readonly record: CallRecord }
  | { readonly type: "answer"; readonly record: CallRecord }
  | { readonly type: "end"; readonly record: CallRecord };

/** The disposition of a call that ended with final status `status` (undefined: no final status). */
export function dispositionOf(status: number | undefined, answered: boolean, cancelled: boolean): CallDisposition {
  if (answered) return "answered";
  if (cancelled) return "cancelled";
  if (status === undefined) return "failed";
  if (status === 486 || status === 600) return "busy";
  if (status === 408 || status === 480) return "no-answer";
  if (status === 487) return "cancelled";
  if (status >= 500 && status < 600) return "failed";
  return "rejected";
}
