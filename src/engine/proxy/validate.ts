import { SipParseError } from "../../sip/index.ts";
import type { SipRequest } from "../../sip/index.ts";

/** Why the proxy answers a request itself instead of forwarding it (RFC 3261 §16.3). */
export interface Refusal {
  readonly status: number;
  readonly headers: readonly [string, string][];
}

/**
 * Request validation (RFC 3261 §16.3) past what the transaction layer checks (syntax of the
 * mandatory fields, §16.3 step 1): steps 2 (URI scheme), 3 (Max-Forwards), 4 (loop detection,
 * through `looped`) and 5 (Proxy-Require). Undefined when the request may be forwarded.
 */
export function validateRequest(request: SipRequest, supported: ReadonlySet<string>, looped: () => boolean): Refusal | undefined {
  let scheme: string;
  let maxForwards: number | undefined;
  let proxyRequire: string[];
  try {
    scheme = request.uri.scheme;
    maxForwards = request.maxForwards;
    proxyRequire = request.hasHeader("Proxy-Require") ? request.proxyRequire : [];
  } catch (error) {
    if (!(error instanceof SipParseError)) throw error;
    return { status: 400, headers: [["Warning", `399 siphon "${error.message.replace(/["\\\r\n]/g, " ").slice(0, 200)}"`]] };
  }
  // Step 2: "If the Request-URI has a URI whose scheme is not understood by the proxy, the proxy
  // SHOULD reject the request with a 416 (Unsupported URI Scheme) response."
  if (scheme !== "sip" && scheme !== "sips") return { status: 416, headers: [] };
  // Step 3: "If the request does not contain a Max-Forwards header field, this check is passed. If
  // the request contains a Max-Forwards header field with a field value greater than zero, the
  // check is passed. If the request contains a Max-Forwards header field with a field value of
  // zero (0), the element MUST NOT forward the request. [...] the element MUST return a 483 (Too
  // many hops) response."
  if (maxForwards === 0) return { status: 483, headers: [] };
  // Step 4: "If the request contains a Via header field with a sent-by value that equals a value
  // placed into previous requests by the proxy, the request has been forwarded by this element
  // before. [...] If the parameters match, the request has looped. [...] the element MAY return
  // a 482 (Loop Detected) response."
  if (looped()) return { status: 482, headers: [] };
  // Step 5: "If the request contains a Proxy-Require header field with one or more option-tags this
  // element does not understand, the element MUST return a 420 (Bad Extension) response. The
  // response MUST include an Unsupported header field listing those option-tags".
  const unknown = proxyRequire.filter((t) => !supported.has(t.toLowerCase()));
  if (unknown.length > 0) return { status: 420, headers: [["Unsupported", unknown.join(", ")]] };
  return undefined;
}
