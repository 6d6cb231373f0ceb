import { createRequest, createResponse } from "../sip/index.ts";
import type { SipRequest } from "../sip/index.ts";
import { copyFields, firstHeaderValue } from "./message-util.ts";
import type { ServerTransaction } from "./transaction.ts";
import type { TransactionFlow } from "./types.ts";

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

/**
 * The UAS side of CANCEL (RFC 3261 §9.2), through the CANCEL's own server transaction: 481 when it
 * matched nothing, else 200, and 487 to the INVITE it matched if that has no final response yet.
 * Returns true when an INVITE was cancelled (the TU is told).
 */
export function answerCancel<F extends TransactionFlow>(
  cancel: ServerTransaction<F>,
  target: ServerTransaction<F> | undefined,
  newTag: () => string,
  now: number,
): boolean {
  const request = cancel.request!;
  if (target === undefined) {
    // §9.2: "If the UAS did not find a matching transaction for the CANCEL according to the
    // procedure above, it SHOULD respond to the CANCEL with a 481 (Call Leg/Transaction Does Not Exist)."
    cancel.respond(createResponse(request, 481, "Call/Transaction Does Not Exist", { toTag: newTag() }), now);
    return false;
  }
  // §9.2: "The To tag of the response to the CANCEL and the To tag in the response to the
  // original request SHOULD be the same."
  const toTag = target.toTag ?? request.toTag ?? newTag();
  target.toTag ??= toTag;
  // §9.2: "Regardless of the method of the original request, as long as the CANCEL matched an
  // existing transaction, the UAS answers the CANCEL request itself with a 200 (OK) response."
  cancel.respond(createResponse(request, 200, "OK", { toTag }), now);
  if (target.kind !== "invite-server" || target.state !== "Proceeding") return false;
  // §9.2: "If the original request was an INVITE, the UAS SHOULD immediately respond to the
  // INVITE with a 487 (Request Terminated)." ... "if the UAS has not issued a final response
  // for the original request"
  target.respond(createResponse(target.request!, 487, "Request Terminated", { toTag }), now);
  return true;
}
