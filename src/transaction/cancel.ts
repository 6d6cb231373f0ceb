import { createRequest } from "../sip/index.ts";
import type { SipRequest } from "../sip/index.ts";
import { copyFields, firstHeaderValue } from "./message-util.ts";

/**
 * Builds the CANCEL for a request sent by a client transaction (RFC 3261 §9.1): the same
 * Request-URI, Call-ID, To, From (tags included) and CSeq number with method CANCEL, a single Via
 * equal to the request's top Via (so the server matches it to the INVITE's transaction, §9.2), the
 * request's Route header fields, and its Max-Forwards. `headers` adds fields such as Reason (RFC 3326).
 */
export function buildCancel(request: SipRequest, headers: [string, string][] = []): SipRequest {
  // §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the
  // CANCEL request MUST be identical to those in the request being cancelled, including tags. A
  // CANCEL constructed by a client MUST have only a single Via header field value matching the top
  // Via value in the request being cancelled. [...] If the request being cancelled contains a Route
  // header field, the CANCEL request MUST include that Route header field's values."
  const via = firstHeaderValue(request, "Via");
  return createRequest({
    method: "CANCEL",
    uri: request.uriText,
    from: request.header("From")!,
    to: request.header("To")!,
    callId: request.callId,
    cseq: request.cseq.seq,
    ...(via !== undefined ? { via } : {}),
    maxForwards: request.maxForwards ?? 70,
    headers: [...copyFields(request, "Route"), ...headers],
  });
}
