import type { SipRequest, SipResponse, Via } from "../sip/index.ts";
import { MAGIC_COOKIE } from "./message-util.ts";

// Keys are strings so each lookup is one Map probe. Parts are joined with a control character that
// cannot occur in a parsed token, URI or header value.
const SEP = "\u0001";

/**
 * Keys live as long as their transaction (32 s once Completed on UDP), so they are built flat with
 * `join`: `+` would make a rope whose pieces (the branch, the Request-URI, ...) are substrings of the
 * request's decoded text and would keep that whole text alive after the request is let go of.
 */
function key(parts: string[]): string {
  return parts.join(SEP);
}

/**
 * Client transaction key (RFC 3261 §17.1.3): "the branch parameter in the top Via header field"
 * and "the method parameter in the CSeq header field". The layer generated or checked the branch,
 * so it alone identifies the request; the method keeps a CANCEL apart from its INVITE.
 */
export function clientKey(branch: string, method: string): string {
  return key(["c", branch, method]);
}

/** The client key a response belongs to, or undefined when its top Via carries no branch. */
export function responseKey(response: SipResponse): string | undefined {
  const branch = response.branch;
  if (branch === undefined) return undefined;
  // Only looked up, never kept: concatenated rather than joined (no array per response).
  return "c" + SEP + branch + SEP + response.cseq.method;
}

/** sent-by of a Via (`host[:port]`, host lower-cased: RFC 3261 §19.1.4 compares hosts case-insensitively). */
function sentBy(via: Via): string {
  const host = via.host.toLowerCase();
  return via.port === undefined ? host : host + ":" + via.port;
}

/** Whether a request follows RFC 3261 matching (its top Via branch starts with the magic cookie). */
export function hasMagicCookie(via: Via): boolean {
  return via.branch !== undefined && via.branch.startsWith(MAGIC_COOKIE);
}

/**
 * A canonical text of a whole Via value for RFC 2543 matching ("top Via header field match"): the
 * protocol, transport, sent-by and the parameters in a fixed order, so spacing and parameter order
 * do not matter.
 */
function viaText(via: Via): string {
  const names = Object.keys(via.params).sort();
  let s = via.protocol.toUpperCase() + "/" + via.transport + " " + sentBy(via);
  for (const n of names) {
    const v = via.params[n];
    s += ";" + n + (v === null || v === undefined ? "" : "=" + v);
  }
  return s;
}

/** The keys a server transaction is filed under and the keys a request is looked up with. */
export interface ServerKeys {
  /** The key of the transaction this request creates or belongs to (§17.2.3). */
  readonly id: string;
  /**
   * The key a CANCEL would use to find this request's transaction (§9.2: the CANCEL matching
   * procedure is §17.2.3's with the method ignored). For a CANCEL request, the key of its target;
   * empty for an ACK matched by RFC 3261 rules (an ACK is neither filed nor cancelled).
   */
  readonly cancel: string;
  /** RFC 2543 requests only: the key an ACK for a non-2xx uses (no To tag, method INVITE). */
  readonly ack2543: string | undefined;
  /** True for requests matched by RFC 3261 rules (magic cookie present). */
  readonly rfc3261: boolean;
}

/**
 * Server transaction keys for a request (RFC 3261 §17.2.3). Throws SipParseError on a malformed Via
 * or CSeq (the caller answers 400 or drops); returns undefined when there is no Via at all.
 *
 * With the magic cookie: "the branch parameter in the request is equal to the one in the top Via
 * header field of the request that created the transaction, the sent-by value in the top Via of
 * the request is equal to the one in the request that created the transaction, and the method of
 * the request matches the one that created the transaction, except for ACK, where the method of the
 * request that created the transaction is INVITE."
 *
 * Without it (RFC 2543 peers): "the Request-URI, To tag, From tag, Call-ID, CSeq, and top Via
 * header field match those of the [request] which created the transaction"; for the ACK, the To tag
 * is left out here and compared by the layer with the tag of the response the transaction sent.
 */
export function serverKeys(request: SipRequest): ServerKeys | undefined {
  const via = request.topVia;
  if (via === undefined) return undefined;
  const method = request.method;
  if (hasMagicCookie(via)) {
    const branch = via.branch!;
    const by = sentBy(via);
    // An ACK never creates a transaction nor is cancelled: it needs no CANCEL key.
    if (method === "ACK") return { id: key(["s", branch, by, "INVITE"]), cancel: "", ack2543: undefined, rfc3261: true };
    return { id: key(["s", branch, by, method]), cancel: key(["s", branch, by]), ack2543: undefined, rfc3261: true };
  }
  const cseq = request.cseq;
  const fromTag = request.fromTag ?? "";
  const toTag = request.toTag ?? "";
  const common = [request.uriText, fromTag, request.callId, String(cseq.seq), viaText(via)];
  const cancel = key(["o", ...common, toTag]);
  if (method === "ACK") {
    // The ACK's id is only used as a lookup of the non-2xx ACK; the To tag check follows.
    const ack = key(["a", ...common]);
    return { id: ack, cancel, ack2543: ack, rfc3261: false };
  }
  return {
    id: key(["o", ...common, toTag, cseq.method]),
    cancel,
    ack2543: method === "INVITE" ? key(["a", ...common]) : undefined,
    rfc3261: false,
  };
}

/**
 * The match key of the INVITE server transaction an RFC 3261 CANCEL with CANCEL key `cancelKey`
 * targets (§9.2: the §17.2.3 match with the method INVITE).
 */
export function inviteKey(cancelKey: string): string {
  return cancelKey + SEP + "INVITE";
}

/**
 * The merged-request key (RFC 3261 §8.2.2.2): "If the From tag, Call-ID, and CSeq exactly match
 * those associated with an ongoing transaction, but the request does not match that transaction".
 */
export function mergeKey(request: SipRequest): string {
  const cseq = request.cseq;
  return key(["m", request.fromTag ?? "", request.callId, String(cseq.seq), cseq.method]);
}
