import { createResponse, parseVia } from "../sip/index.ts";
import type { SipRequest, SipResponse } from "../sip/index.ts";
import { firstHeaderValue } from "./message-util.ts";
import type { RequestFault } from "./request-checks.ts";

/**
 * A response sent without a server transaction (RFC 3261 §8.2.7: "It replies to requests normally,
 * but discards any state"): refusals before the TU sees a request (400, 416, 420, 482) and 503 under
 * overload. A retransmitted request is simply answered again.
 *
 * The response copies From, To, Call-ID, CSeq and Via as §8.2.6.2 says, except the fields named in
 * `broken`, which did not parse: those are left out rather than echoed (RFC 4475 §3.3.1 "insuf": an
 * element "will respond with a 400 Bad Request" even to a request without Call-ID, From or To).
 * When a Via is broken, only the top one is copied, reformatted from its parsed value. Undefined
 * when not even the top Via parses: there is nowhere to send a response (§18.2.2).
 */
export function statelessResponse(
  request: SipRequest,
  status: number,
  toTag: string,
  headers: readonly [string, string][],
  broken: readonly string[] = [],
): SipResponse | undefined {
  const toUsable = !broken.includes("To");
  const response = createResponse(request, status, undefined, {
    ...(toUsable ? { toTag } : {}),
    headers: headers as [string, string][],
  });
  for (const name of broken) response.removeHeader(name);
  if (broken.includes("Via")) {
    const top = firstHeaderValue(request, "Via");
    if (top === undefined) return undefined;
    try {
      parseVia(top);
    } catch {
      return undefined;
    }
    response.addHeader("Via", top, { prepend: true });
  }
  return response;
}

/**
 * The answer to a request refused before the TU sees it (RFC 3261 §8.2): the fault's status, the
 * headers it requires (Unsupported for 420), and a Warning saying why (§20.43, code 399
 * "miscellaneous warning"); no header field copied that does not parse.
 */
export function refusal(request: SipRequest, fault: RequestFault, toTag: string): SipResponse | undefined {
  const warning = `399 siphon "${fault.text.replace(/["\\\r\n]/g, " ").slice(0, 200)}"`;
  return statelessResponse(request, fault.status, toTag, [...fault.headers, ["Warning", warning]], fault.broken);
}

/**
 * 503 (Service Unavailable) with Retry-After (RFC 3261 §21.5.4: "The server MAY indicate when the
 * client should retry the request in a Retry-After header field"); an in-dialog request keeps its
 * To tag.
 */
export function overloadResponse(request: SipRequest, retryAfter: string, newTag: () => string): SipResponse | undefined {
  return statelessResponse(request, 503, request.toTag ?? newTag(), [["Retry-After", retryAfter]]);
}
