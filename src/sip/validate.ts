import { SiphonError } from "../errors.ts";
import { authSyntaxText, scanAuthItems } from "./auth-value.ts";
import { SipParseError } from "./errors.ts";
import type { SipErrorCode } from "./errors.ts";
import { FAILED, failure } from "./failure.ts";
import { HEADER_NAMES, headerId } from "./header-names.ts";
import { readSipDate } from "./sip-date.ts";
import type { SipMessage } from "./message.ts";
import type { SipRequest } from "./request.ts";

/**
 * Message validation beyond framing: what a UAS (RFC 3261 §8.2) or a proxy (§16.3) checks before it
 * acts on a parsed message, and the response it should answer with.
 *
 * `parseMessage` only tokenizes: header values are decoded lazily by the typed accessors. A message
 * can therefore parse and still be one that RFC 3261 requires to be rejected (RFC 4475 §3.1.2,
 * §3.3): a mandatory header missing, a single-valued header repeated, a malformed known header, a
 * CSeq method that is not the request's, a Request-URI carrying URI headers. `validateMessage`
 * runs those checks in the order the RFC gives them and returns the first failure.
 */

/** Which rule a message broke; `status` follows from it. */
export type SipCheck =
  | "mandatory-header" //    RFC 3261 §8.1.1 / §8.2.6.2: 400
  | "single-header" //       §7.3.1, §20: a single-valued header repeated: 400
  | "header-value" //        a known header whose value does not parse: 400
  | "request-uri" //         malformed Request-URI, or one with URI headers (§19.1.1 table 1): 400
  | "cseq-method" //         §8.1.1.5: CSeq method differs from the request method: 400
  | "method" //              §8.2.1: a method this element does not implement: 501 (with Allow)
  | "date" //                §20.17, §25.1: Date is not an RFC 1123 date in GMT: 400
  | "uri-scheme" //          §8.2.2.1, §16.3 step 2: 416
  | "max-forwards" //        §16.3 step 3: 483
  | "extension" //           §8.2.2.3 (Require), §16.3 step 5 (Proxy-Require): 420
  | "media-type"; //         §8.2.3: 415

/**
 * Why a message that parsed was rejected, and the response a UAS or proxy should send. It is not a
 * SipParseError: the message parsed, and broke a rule of RFC 3261 §8.2 or §16.3. `code` is the
 * layer's code of the problem; `header` names the header concerned, `offset` the character offset
 * in its value for a malformed one; `cause` is the SipParseError of an accessor, when there was one.
 * `responseHeaders` are the headers the response MUST carry: `Unsupported` for 420 (RFC 3261
 * §8.2.2.3), `Accept` for 415 (§8.2.3).
 */
export class SipValidationError extends SiphonError {
  declare readonly code: SipErrorCode;
  /** The rule that failed. */
  readonly check: SipCheck;
  /** Status code to answer with (400, 415, 416, 420, 483, 501). */
  readonly status: number;
  /** Reason phrase for that status (RFC 3261 §21). */
  readonly reason: string;
  /** Header fields the response must include. */
  readonly responseHeaders: [string, string][];
  /** The header concerned, when there is one. */
  readonly header: string | undefined;
  /** Character offset of the problem in the header's value (0 when not about a value). */
  readonly offset: number;

  constructor(
    check: SipCheck,
    code: SipErrorCode,
    message: string,
    options?: { header?: string; cause?: unknown; responseHeaders?: [string, string][]; offset?: number },
  ) {
    super(code, message, options);
    this.header = options?.header;
    this.offset = options?.offset ?? 0;
    this.check = check;
    this.status = STATUS[check];
    this.reason = REASON[this.status]!;
    this.responseHeaders = options?.responseHeaders ?? [];
  }
}

/** Policy for {@link validateMessage}: each check beyond RFC 3261's syntax rules runs only when asked. */
export interface ValidateOptions {
  /**
   * URI schemes this element handles, lower case (e.g. `["sip", "sips", "tel"]`). A request whose
   * Request-URI has another scheme gets 416 Unsupported URI Scheme (RFC 3261 §8.2.2.1, §16.3).
   */
  uriSchemes?: readonly string[];
  /**
   * Methods this element implements (case-sensitive, §7.1): any other gets 501 Not Implemented with
   * an Allow header (§8.2.1, RFC 4475 §3.1.2.18 prefers 501 to 400 for an unknown method).
   */
  methods?: readonly string[];
  /**
   * Act as a proxy about to forward: Max-Forwards 0 gets 483 Too Many Hops (RFC 3261 §16.3 step 3).
   * A proxy that wants to answer an OPTIONS itself as the final recipient (§16.3 allows it) should
   * not set this for that request.
   */
  checkMaxForwards?: boolean;
  /**
   * Accept RFC 2543 requests without Max-Forwards (RFC 4475 §3.4.1: elements that keep backward
   * compatibility accept them; §16.3 step 3 lets a proxy pass a request without the header).
   */
  rfc2543?: boolean;
  /** Option tags this UAS supports: any other tag in Require gets 420 Bad Extension (§8.2.2.3). */
  supported?: readonly string[];
  /** Option tags this proxy supports: any other tag in Proxy-Require gets 420 (§16.3 step 5). */
  proxySupported?: readonly string[];
  /**
   * Media types this UAS accepts for a request body (`type/subtype`, `type/*` or `*\/*`, any case):
   * a non-empty body of another Content-Type gets 415 Unsupported Media Type (§8.2.3).
   */
  accept?: readonly string[];
}

const STATUS: Record<SipCheck, number> = {
  "mandatory-header": 400,
  "single-header": 400,
  "header-value": 400,
  "request-uri": 400,
  "cseq-method": 400,
  date: 400,
  method: 501,
  "uri-scheme": 416,
  "max-forwards": 483,
  extension: 420,
  "media-type": 415,
};

const REASON: Record<number, string> = {
  400: "Bad Request",
  415: "Unsupported Media Type",
  416: "Unsupported URI Scheme",
  420: "Bad Extension",
  483: "Too Many Hops",
  501: "Not Implemented",
  505: "Version Not Supported",
  513: "Message Too Large",
};

/** RFC 3261 §8.1.1: "the six header fields ... are the fundamental building blocks of a SIP message". */
const REQUEST_MANDATORY = ["To", "From", "CSeq", "Call-ID", "Max-Forwards", "Via"] as const;
/** The same without Max-Forwards, which RFC 2543 did not have. */
const REQUEST_MANDATORY_2543 = ["To", "From", "CSeq", "Call-ID", "Via"] as const;
/** §8.2.6.2 / §20 table 2: a response copies From, To, CSeq, Call-ID and Via from the request. */
const RESPONSE_MANDATORY = ["From", "To", "CSeq", "Call-ID", "Via"] as const;

/**
 * Headers whose grammar allows exactly one value (RFC 3261 §7.3.1: only headers defined as
 * comma-separated lists may appear more than once; §20 and the extension RFCs define these as
 * single values).
 */
const SINGLE_VALUED = [
  "Call-ID", "CSeq", "From", "To", "Max-Forwards", "Content-Length", "Content-Type", "Expires",
  "Date", "Min-Expires", "MIME-Version", "Organization", "Priority", "Reply-To", "Retry-After",
  "Server", "Subject", "Timestamp", "User-Agent", "Content-Disposition", "RSeq", "RAck", "Event",
  "Subscription-State", "Refer-To", "Referred-By", "Replaces", "Session-Expires", "Min-SE",
] as const;

const SINGLE_IDS = new Set<number>(SINGLE_VALUED.map((n) => headerId(n)));

/**
 * The typed accessors of {@link SipMessage}, in the order their headers are checked, each with
 * the header it reads. Reading one decodes and caches its header; a malformed value throws a
 * {@link SipParseError}.
 */
const ACCESSORS: readonly [keyof SipMessage & string, string][] = [
  ["callId", "Call-ID"],
  ["cseq", "CSeq"],
  ["from", "From"],
  ["to", "To"],
  ["via", "Via"],
  ["maxForwards", "Max-Forwards"],
  ["contact", "Contact"],
  ["route", "Route"],
  ["recordRoute", "Record-Route"],
  ["contentType", "Content-Type"],
  ["contentLength", "Content-Length"],
  ["expires", "Expires"],
  ["allow", "Allow"],
  ["supported", "Supported"],
  ["require", "Require"],
  ["unsupported", "Unsupported"],
  ["proxyRequire", "Proxy-Require"],
  ["rseq", "RSeq"],
  ["rack", "RAck"],
  ["event", "Event"],
  ["subscriptionState", "Subscription-State"],
  ["referTo", "Refer-To"],
  ["referredBy", "Referred-By"],
  ["replaces", "Replaces"],
  ["sessionExpires", "Session-Expires"],
  ["minSE", "Min-SE"],
];

/** The auth headers: their accessors leave a malformed field out, so they are checked field by field. */
const AUTH_HEADERS = ["Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate"] as const;

/**
 * Checks a parsed request or response; `undefined` when it may be processed, else the first
 * failure with the response to send. Checks, in RFC 3261's order (§8.2 for a UAS, §16.3 for a
 * proxy): the Request-URI, mandatory headers, single-valued headers repeated, every known header's
 * value, CSeq method, Date; then, when the options ask for them, 416, 483, 420 and 415.
 *
 * Exceptions other than {@link SipParseError} thrown by an accessor are not caught: they are bugs.
 */
export function validateMessage(msg: SipMessage, opts: ValidateOptions = {}): SipValidationError | undefined {
  if (msg.isRequest) return validateRequest(msg as SipRequest, opts);
  return checkSyntax(msg, RESPONSE_MANDATORY);
}

/** {@link validateMessage} for a request. */
export function validateRequest(msg: SipRequest, opts: ValidateOptions = {}): SipValidationError | undefined {
  const uriError = checkRequestUri(msg);
  if (uriError) return uriError;
  const syntax = checkSyntax(msg, opts.rfc2543 ? REQUEST_MANDATORY_2543 : REQUEST_MANDATORY);
  if (syntax) return syntax;

  if (opts.methods && !opts.methods.includes(msg.method)) {
    return new SipValidationError("method", "BAD_METHOD", `method ${msg.method} is not among the methods this element serves (501)`, {
      responseHeaders: [["Allow", opts.methods.join(", ")]],
    });
  }

  // §8.1.1.5: "The method MUST match that of the request." CANCEL and ACK carry their own method
  // (§9.1: CANCEL's CSeq method is CANCEL; §17.1.1.3: ACK's is ACK), so no exception is needed.
  const cseq = msg.cseq;
  if (cseq.method !== msg.method) {
    return new SipValidationError(
      "cseq-method",
      "CSEQ_METHOD_MISMATCH",
      `CSeq method ${cseq.method} differs from the request method ${msg.method}`,
      { header: "CSeq" },
    );
  }
  return checkPolicy(msg, opts);
}

/** Request-URI: parsable, and without URI headers (§19.1.1 table 1: headers not allowed there). */
function checkRequestUri(msg: SipRequest): SipValidationError | undefined {
  let uri;
  try {
    uri = msg.uri;
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return new SipValidationError("request-uri", "BAD_REQUEST_URI", `malformed Request-URI: ${e.message}`, { cause: e });
  }
  if ((uri.scheme === "sip" || uri.scheme === "sips") && "headers" in uri && Object.keys(uri.headers).length > 0) {
    return new SipValidationError(
      "request-uri",
      "BAD_REQUEST_URI",
      "the Request-URI carries URI headers (RFC 3261 §19.1.1: not allowed in a Request-URI)",
    );
  }
  return undefined;
}

/** The 400 checks shared by requests and responses. */
function checkSyntax(msg: SipMessage, mandatory: readonly string[]): SipValidationError | undefined {
  for (const name of mandatory) {
    if (!msg.hasHeader(name)) {
      return new SipValidationError("mandatory-header", "MISSING_HEADER", `missing mandatory header ${name}`, {
        header: name,
      });
    }
  }

  const seen = new Set<number>();
  for (const field of msg.headerFields()) {
    const id = headerId(field.name);
    if (!SINGLE_IDS.has(id)) continue;
    if (seen.has(id)) {
      const name = HEADER_NAMES[id]!;
      // Two Content-Length fields are a framing ambiguity (RFC 4475 §3.3.9) as well as a repeat.
      const code: SipErrorCode = name === "Content-Length" ? "BAD_CONTENT_LENGTH" : "DUPLICATE_HEADER";
      return new SipValidationError("single-header", code, `${name} appears more than once`, { header: name });
    }
    seen.add(id);
  }

  for (const [key, header] of ACCESSORS) {
    try {
      void msg[key];
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      return new SipValidationError("header-value", e.code, e.message, {
        header: e.header ?? header,
        cause: e,
        offset: e.offset,
      });
    }
  }

  for (const header of AUTH_HEADERS) {
    for (const value of msg.headers(header)) {
      const r = scanAuthItems(value);
      if (!r.ok) {
        return new SipValidationError("header-value", "BAD_HEADER_VALUE", `${header}: ${authSyntaxText(r.code)}`, { header, offset: r.offset });
      }
    }
  }

  // §20.17, §25.1: rfc1123-date, and "the time zone MUST be GMT" (RFC 4475 §3.1.2.12, baddate).
  const date = msg.header("Date");
  if (date !== undefined) {
    try {
      readSipDate(date);
    } catch (e) {
      if (e !== FAILED) throw e;
      return new SipValidationError("date", failure.code, `Date: ${failure.message}`, { header: "Date", offset: failure.offset });
    }
  }
  return undefined;
}

/**
 * The response for a message that did not parse at all (the failure value of `tryParseMessage`,
 * or the SipParseError of `parseMessage`), when it is a request that can still be answered: 505
 * Version Not Supported for another SIP version (§21.5.6, RFC 4475 §3.1.2.16), 513 Message Too Large
 * for a message, header line or header count over the limits (§21.4.28), else 400. A response that fails to parse is dropped, never answered (RFC 4475
 * §3.1.2.19).
 */
export function statusForParseError(error: { readonly code: SipErrorCode }): { status: number; reason: string } {
  const c = error.code;
  // §21.4.28: "the request message length is longer than the server is willing to process" — a
  // header line or a header count beyond the server's limits is the same refusal.
  const status = c === "BAD_VERSION" ? 505 : c === "MESSAGE_TOO_LARGE" || c === "HEADER_TOO_LONG" || c === "TOO_MANY_HEADERS" ? 513 : 400;
  return { status, reason: REASON[status]! };
}

/** 416, 483, 420, 415 as the options ask, in the order of §16.3 (proxy) and §8.2 (UAS). */
function checkPolicy(msg: SipRequest, opts: ValidateOptions): SipValidationError | undefined {
  if (opts.uriSchemes) {
    const scheme = msg.uri.scheme.toLowerCase();
    if (!opts.uriSchemes.some((s) => s.toLowerCase() === scheme)) {
      return new SipValidationError("uri-scheme", "BAD_REQUEST_URI", `unsupported Request-URI scheme ${scheme}`);
    }
  }

  if (opts.checkMaxForwards && msg.maxForwards === 0) {
    return new SipValidationError("max-forwards", "BAD_HEADER_VALUE", "Max-Forwards is 0", { header: "Max-Forwards" });
  }

  // §8.2.2.3: a UAS MUST NOT send 420 for ACK (it cannot answer) nor for CANCEL (Require is not
  // meaningful there); the same holds for Proxy-Require at a proxy.
  const exempt = msg.method === "ACK" || msg.method === "CANCEL";
  if (opts.proxySupported && !exempt) {
    const bad = unknownTags(msg.proxyRequire, opts.proxySupported);
    if (bad.length > 0) {
      return new SipValidationError("extension", "BAD_HEADER_VALUE", `unsupported Proxy-Require: ${bad.join(", ")}`, {
        header: "Proxy-Require",
        responseHeaders: [["Unsupported", bad.join(", ")]],
      });
    }
  }
  if (opts.supported && !exempt) {
    const bad = unknownTags(msg.require, opts.supported);
    if (bad.length > 0) {
      return new SipValidationError("extension", "BAD_HEADER_VALUE", `unsupported Require: ${bad.join(", ")}`, {
        header: "Require",
        responseHeaders: [["Unsupported", bad.join(", ")]],
      });
    }
  }

  if (opts.accept && msg.body.length > 0) {
    const type = msg.contentType?.type ?? "application/octet-stream";
    if (!accepts(opts.accept, type)) {
      return new SipValidationError("media-type", "BAD_HEADER_VALUE", `unsupported Content-Type ${type}`, {
        header: "Content-Type",
        responseHeaders: [["Accept", opts.accept.join(", ")]],
      });
    }
  }
  return undefined;
}

/** Option tags are tokens, and §7.3.1 makes tokens case-insensitive. */
function unknownTags(tags: readonly string[], supported: readonly string[]): string[] {
  const known = new Set(supported.map((t) => t.toLowerCase()));
  return tags.filter((t) => !known.has(t.toLowerCase()));
}

/** Media types compare case-insensitively (RFC 2045 §5.1), with `type/*` and `*\/*` ranges. */
function accepts(ranges: readonly string[], type: string): boolean {
  const t = type.toLowerCase();
  const slash = t.indexOf("/");
  const major = t.slice(0, slash);
  for (const r of ranges) {
    const range = r.toLowerCase().trim();
    if (range === "*/*" || range === t || (range.endsWith("/*") && range.slice(0, -2) === major)) return true;
  }
  return false;
}
