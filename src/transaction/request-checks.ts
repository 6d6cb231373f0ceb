import { SipParseError } from "../sip/index.ts";
import type { SipRequest } from "../sip/index.ts";
import { isPlainFromTo } from "../sip/address-check.ts";
import { H } from "../sip/header-names.ts";
import { ownText } from "./message-util.ts";

/**
 * The checks a UAS runs on a new request before its core acts on it (RFC 3261 §8.2), in the layer
 * every server shares. A proxy turns them off and applies §16.3 itself.
 */
export interface RequestChecks {
  /**
   * Request-URI schemes the server handles, lower case; another gets 416 Unsupported URI Scheme
   * (RFC 3261 §8.2.2.1). Default `["sip", "sips", "tel"]`.
   */
  uriSchemes?: readonly string[];
  /**
   * Option tags the TU supports; any other tag in Require gets 420 Bad Extension with an
   * Unsupported header listing it (RFC 3261 §8.2.2.3). Default none: a TU that implements an
   * extension (100rel, timer, replaces, …) lists it here.
   */
  supported?: readonly string[];
}

/**
 * Why a request is refused before it reaches the TU: the status and reason to answer with, the
 * header fields that answer must carry, and the request's header fields that are too broken to
 * copy into any response (RFC 3261 §8.2.6.2 copies From, To, Call-ID, CSeq and Via).
 */
export interface RequestFault {
  readonly status: 400 | 416 | 420 | 505 | 513;
  /** What was wrong, for the Warning header and the counters. */
  readonly text: string;
  /** Header fields the response must carry (Unsupported for 420). */
  readonly headers: readonly [string, string][];
  /** Header names of the request not to copy into the response. */
  readonly broken: readonly string[];
}

/** The header fields RFC 3261 §8.1.1 makes mandatory, each of which must appear once and parse. */
const SINGLE: readonly (readonly [string, number, "from" | "to" | "callId" | "cseq"])[] = [
  ["From", H.FROM, "from"],
  ["To", H.TO, "to"],
  ["Call-ID", H.CALL_ID, "callId"],
  ["CSeq", H.CSEQ, "cseq"],
];

/** The headers the checks count, in one pass: those of {@link SINGLE}, then Max-Forwards. */
const COUNTED: readonly number[] = [...SINGLE.map((s) => s[1]), H.MAX_FORWARDS];
/** Their counts, reused by every check (the checks do not nest). */
const COUNTS: number[] = COUNTED.map(() => 0);

/** Why reading a header of `request` throws, or undefined when it parses. */
function unreadable(request: SipRequest, accessor: "from" | "to" | "callId" | "cseq" | "via" | "maxForwards"): string | undefined {
  try {
    // One call site per accessor (a computed property read here would be a megamorphic load).
    switch (accessor) {
      case "from":
        void request.from;
        break;
      case "to":
        void request.to;
        break;
      case "callId":
        void request.callId;
        break;
      case "cseq":
        void request.cseq;
        break;
      case "via":
        void request.via;
        break;
      case "maxForwards":
        void request.maxForwards;
        break;
    }
    return undefined;
  } catch (e) {
    if (e instanceof SipParseError) return e.message;
    throw e;
  }
}

/**
 * Request-URIs known to parse, with their scheme (lower-cased), so that requests repeating one skip
 * the parse. Bounded: emptied when full; long ones are not kept. Each is kept as a copy of its own,
 * not as a substring of a message's text.
 */
const MAX_PARSED_URIS = 4096;
const MAX_PARSED_URI_LENGTH = 256;
const PARSED_URIS = new Map<string, string>();

function fault(status: RequestFault["status"], text: string, broken: string[] = [], headers: [string, string][] = []): RequestFault {
  return { status, text, headers, broken };
}

/**
 * RFC 3261 §8.1.1: To, From, CSeq, Call-ID and Via are mandatory, and each of the first four is a
 * single value (§7.3.1, §20); a request missing one, repeating one, or carrying one that does not
 * parse is answered 400 (§21.4.1; RFC 4475 §3.1.2 and §3.3). Also §8.1.1.5: "The method MUST
 * match that of the request". Max-Forwards may be absent (RFC 2543 peers, RFC 4475 §3.4.1) but
 * must parse when present. Every Via value must parse (a broken one would misroute the response).
 */
export function mandatoryFault(request: SipRequest): RequestFault | undefined {
  let broken: string[] | undefined;
  let text = "";
  const counts = COUNTS;
  request._countEach(COUNTED, counts);
  for (let k = 0; k < SINGLE.length; k++) {
    const single = SINGLE[k]!;
    const name = single[0];
    const id = single[1];
    const accessor = single[2];
    const n = counts[k]!;
    if (n === 1) {
      // A From or To value in a common form is known to parse from one scan, without the
      // parser's objects (nothing here reads them); any other form is parsed.
      if ((id === H.FROM || id === H.TO) && isPlainFromTo(request._first(id)!)) continue;
      const problem = unreadable(request, accessor);
      if (problem === undefined) continue;
      text ||= `${name}: ${problem}`;
    } else text ||= n === 0 ? `missing ${name}` : `${name} appears ${n} times`;
    (broken ??= []).push(name);
  }
  const via = unreadable(request, "via");
  if (via !== undefined) {
    text ||= `Via: ${via}`;
    (broken ??= []).push("Via");
  }
  if (text === "" && counts[SINGLE.length]! > 0) {
    const mf = unreadable(request, "maxForwards");
    if (mf !== undefined) text = `Max-Forwards: ${mf}`;
  }
  if (text === "" && request.cseq.method !== request.method) text = "CSeq method differs from the request method";
  return text === "" ? undefined : fault(400, text, broken ?? []);
}

/**
 * RFC 3261 §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject
 * the request with a 416 (Unsupported URI Scheme) response." §8.2.2.3: "If a UAS does not understand
 * an option-tag listed in a Require header field, it MUST respond by generating a response with
 * status code 420 (Bad Extension). The UAS MUST add an Unsupported header field, and list in it
 * those options it does not understand amongst those in the Require header field of the request."
 * Neither applies to ACK (never answered) nor CANCEL (§8.2.2.3: "Require is not meaningful" there).
 */
export function policyFault(request: SipRequest, schemes: ReadonlySet<string>, supported: ReadonlySet<string>): RequestFault | undefined {
  const text = request.uriText;
  let scheme = PARSED_URIS.get(text);
  if (scheme === undefined) {
    const uriProblem = readable(() => request.uri);
    if (uriProblem !== undefined) return fault(400, `Request-URI: ${uriProblem}`);
    scheme = request.uri.scheme.toLowerCase();
    if (text.length <= MAX_PARSED_URI_LENGTH) {
      if (PARSED_URIS.size >= MAX_PARSED_URIS) PARSED_URIS.clear();
      PARSED_URIS.set(ownText(text)!, scheme);
    }
  }
  if (!schemes.has(scheme)) return fault(416, `URI scheme ${scheme} is not served here`);
  if (!request.hasHeader("Require")) return undefined;
  const requireProblem = readable(() => request.require);
  if (requireProblem !== undefined) return fault(400, `Require: ${requireProblem}`);
  // §7.3.1: option tags are tokens, and tokens compare case-insensitively.
  const unknown = request.require.filter((tag) => !supported.has(tag.toLowerCase()));
  if (unknown.length === 0) return undefined;
  return fault(420, `unsupported extension ${unknown.join(", ")}`, [], [["Unsupported", unknown.join(", ")]]);
}

/** Reads a lazily parsed value: undefined when it parses, else why not. Other errors are bugs. */
function readable(read: () => unknown): string | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (error instanceof SipParseError) return error.message;
    throw error;
  }
}
