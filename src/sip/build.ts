/**
 * Building messages (RFC 3261 §8.1.1 requests, §8.2.6 responses) and the reason phrases of §21.
 */
import { field, fieldOf } from "./fields.ts";
import type { Field } from "./fields.ts";
import { isToken } from "./grammar.ts";
import { H } from "./header-names.ts";
import { MISS } from "./header-store.ts";
import { encodeBody } from "./pool.ts";
import { formatFromTo, formatNameAddr } from "./name-addr.ts";
import { SipRequest } from "./request.ts";
import { SipResponse } from "./response.ts";
import type { CSeq, FromTo, NameAddr, Uri, Via } from "./types.ts";
import { formatUri } from "./uri.ts";
import { formatVia } from "./via.ts";

/** 2^31 - 1: the largest CSeq number (RFC 3261 §8.1.1.5). */
const MAX_SEQ = 0x7fffffff;

/** Reason phrases of RFC 3261 §21 and the extensions siphon speaks. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued", 183: "Session Progress",
  199: "Early Dialog Terminated", 200: "OK", 202: "Accepted", 204: "No Notification",
  300: "Multiple Choices", 301: "Moved Permanently", 302: "Moved Temporarily", 305: "Use Proxy",
  380: "Alternative Service", 400: "Bad Request", 401: "Unauthorized", 402: "Payment Required",
  403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
  407: "Proxy Authentication Required", 408: "Request Timeout", 410: "Gone", 412: "Conditional Request Failed",
  413: "Request Entity Too Large", 414: "Request-URI Too Long", 415: "Unsupported Media Type",
  416: "Unsupported URI Scheme", 417: "Unknown Resource-Priority", 420: "Bad Extension",
  421: "Extension Required", 422: "Session Interval Too Small", 423: "Interval Too Brief",
  428: "Use Identity Header", 429: "Provide Referrer Identity", 433: "Anonymity Disallowed",
  436: "Bad Identity-Info", 437: "Unsupported Certificate", 438: "Invalid Identity Header",
  439: "First Hop Lacks Outbound Support", 440: "Max-Breadth Exceeded", 469: "Bad Info Package",
  470: "Consent Needed", 480: "Temporarily Unavailable", 481: "Call/Transaction Does Not Exist",
  482: "Loop Detected", 483: "Too Many Hops", 484: "Address Incomplete", 485: "Ambiguous",
  486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here", 489: "Bad Event",
  491: "Request Pending", 493: "Undecipherable", 494: "Security Agreement Required",
  500: "Server Internal Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
  504: "Server Time-out", 505: "Version Not Supported", 513: "Message Too Large",
  555: "Push Notification Service Not Supported", 580: "Precondition Failure", 600: "Busy Everywhere",
  603: "Decline", 604: "Does Not Exist Anywhere", 606: "Not Acceptable", 607: "Unwanted", 608: "Rejected",
};

/** Options of createRequest. Header values may be given as text or as typed values. */
export interface RequestInit {
  method: string;
  uri: Uri | string;
  from: FromTo | string;
  to: FromTo | string;
  callId: string;
  /** CSeq number (the method is the request's). */
  cseq: number;
  /** Top Via; the transport layer normally adds it when sending. */
  via?: Via | string;
  /** Default 70 (RFC 3261 §8.1.1.6). */
  maxForwards?: number;
  contact?: NameAddr | string;
  /** Further header fields, in order. */
  headers?: [string, string][];
  body?: Uint8Array | string;
  contentType?: string;
}

/** Builds a request from scratch (RFC 3261 §8.1.1) with the mandatory header fields first. */
export function createRequest(init: RequestInit): SipRequest {
  const uri = typeof init.uri === "string" ? init.uri : formatUri(init.uri);
  const fields = [];
  if (init.via !== undefined) fields.push(fieldOf(H.VIA, "Via", typeof init.via === "string" ? init.via : formatVia(init.via)));
  fields.push(fieldOf(H.MAX_FORWARDS, "Max-Forwards", String(init.maxForwards ?? 70)));
  fields.push(fieldOf(H.FROM, "From", typeof init.from === "string" ? init.from : formatFromTo(init.from)));
  fields.push(fieldOf(H.TO, "To", typeof init.to === "string" ? init.to : formatFromTo(init.to)));
  fields.push(fieldOf(H.CALL_ID, "Call-ID", init.callId));
  fields.push(fieldOf(H.CSEQ, "CSeq", `${init.cseq} ${init.method}`));
  if (init.contact !== undefined) {
    fields.push(fieldOf(H.CONTACT, "Contact", typeof init.contact === "string" ? init.contact : formatNameAddr(init.contact)));
  }
  if (init.headers) pushHeaders(fields, init.headers);
  if (init.contentType !== undefined) fields.push(fieldOf(H.CONTENT_TYPE, "Content-Type", init.contentType));
  const request = SipRequest.built(init.method, uri, fields, toBytes(init.body));
  // The CSeq as the accessor would parse it from `${cseq} ${method}`, when that text is a valid CSeq.
  if (Number.isInteger(init.cseq) && init.cseq >= 0 && init.cseq <= MAX_SEQ && isToken(init.method)) {
    request._store(H.CSEQ, { seq: init.cseq | 0, method: init.method });
  }
  return request;
}

/** Options of createResponse. */
export interface ResponseInit {
  /** The To tag to add when the request's To has none (RFC 3261 §8.2.6.2). */
  toTag?: string;
  /** Further header fields, in order. */
  headers?: [string, string][];
  body?: Uint8Array | string;
  contentType?: string;
}

const DIALOG_CREATING = new Set(["INVITE", "SUBSCRIBE", "REFER", "NOTIFY"]);

/**
 * Builds a response to a request (RFC 3261 §8.2.6): From, Call-ID, CSeq and every Via copied in
 * order; To copied, with `toTag` added when the request's To had no tag (a 100 Trying gets none,
 * §8.2.6.2); a 100 copies Timestamp (§8.2.6.1); a dialog-creating 1xx/2xx copies Record-Route
 * (§12.1.1).
 */
export function createResponse(request: SipRequest, status: number, reason?: string, init?: ResponseInit): SipResponse {
  const fields: Field[] = [];
  // A built (or changed) request's field objects are never changed in place: the response shares
  // those it copies unchanged (spelled as the response would write them) instead of making new ones.
  const own = request._tt === null ? request._fields : null;
  if (own !== null) {
    for (let i = 0; i < own.length; i++) {
      const f = own[i]!;
      if (f.id === H.VIA) fields.push(f.name === "Via" ? f : fieldOf(H.VIA, "Via", f.value));
    }
  } else {
    // One Via (the usual case) without a list of its values.
    const vias = request._count(H.VIA);
    if (vias === 1) fields.push(fieldOf(H.VIA, "Via", request._first(H.VIA)!));
    else if (vias > 1) for (const v of request._values(H.VIA, "")) fields.push(fieldOf(H.VIA, "Via", v));
  }
  const from = copyFirst(request, own, fields, H.FROM, "From");
  let to: string | undefined;
  let tagged = false;
  if (init?.toTag !== undefined && status !== 100 && request.toTag === undefined) {
    to = request._first(H.TO);
    if (to !== undefined) {
      to += `;tag=${init.toTag}`;
      tagged = true;
      fields.push(fieldOf(H.TO, "To", to));
    }
  } else to = copyFirst(request, own, fields, H.TO, "To");
  copyFirst(request, own, fields, H.CALL_ID, "Call-ID");
  const cseq = copyFirst(request, own, fields, H.CSEQ, "CSeq");
  if (status === 100) {
    const ts = request.header("Timestamp");
    if (ts !== undefined) fields.push(field("Timestamp", ts));
  }
  if (status > 100 && status < 300 && DIALOG_CREATING.has(request.method) && request._count(H.RECORD_ROUTE) > 0) {
    for (const v of request._values(H.RECORD_ROUTE, "")) fields.push(field("Record-Route", v));
  }
  if (init?.headers) pushHeaders(fields, init.headers);
  if (init?.contentType !== undefined) fields.push(fieldOf(H.CONTENT_TYPE, "Content-Type", init.contentType));
  const response = SipResponse.built(status, reason ?? REASON_PHRASES[status] ?? "", fields, toBytes(init?.body));
  // The CSeq is the request's first one: its parsed value, when the request has it, is this one's too.
  const parsed = cseq === undefined ? undefined : request._cached(H.CSEQ);
  if (parsed !== undefined && parsed !== MISS) {
    const c = parsed as CSeq;
    response._store(H.CSEQ, { seq: c.seq, method: c.method });
  }
  // From, the top Via and an unchanged To are the request's own field values: their tag and branch
  // are the request's, already read there, and need no second scan.
  if (fields.length > 0 && fields[0]!.id === H.VIA) response._pVia = request.branch ?? null;
  if (from !== undefined) response._pFrom = request.fromTag ?? null;
  if (to !== undefined && !tagged) response._pTo = request.toTag ?? null;
  return response;
}

/**
 * Appends the request's first field of header `id` to `fields` (the field itself when `own` is the
 * request's field list and the field is spelled `name`, else a new one) and returns its value.
 */
function copyFirst(request: SipRequest, own: Field[] | null, fields: Field[], id: number, name: string): string | undefined {
  if (own !== null) {
    for (let i = 0; i < own.length; i++) {
      const f = own[i]!;
      if (f.id === id) {
        fields.push(f.name === name ? f : fieldOf(id, name, f.value));
        return f.value;
      }
    }
    return undefined;
  }
  const v = request._first(id);
  if (v !== undefined) fields.push(fieldOf(id, name, v));
  return v;
}

/** Appends a field per (name, value) pair, by index: destructuring in a for-of allocates iterator results. */
function pushHeaders(fields: Field[], headers: readonly [string, string][]): void {
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    fields.push(field(h[0], h[1]));
  }
}

function toBytes(b: Uint8Array | string | undefined): Uint8Array | undefined {
  return typeof b === "string" ? encodeBody(b) : b;
}
