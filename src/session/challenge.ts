import type { SipRequest, SipResponse } from "../sip/index.ts";
import { newBranch } from "../transaction/index.ts";

/**
 * Answers digest challenges for the session core (RFC 3261 §22.2, §22.3; RFC 7616, RFC 8760). On a
 * 401 or 407 to a request it sent, the core builds the request again (same Call-ID and From tag, a
 * new CSeq number and a new branch) and asks for the header fields that authorize it.
 */
export interface ChallengeResponder {
  /**
   * The Authorization / Proxy-Authorization fields for `request` (the new request, with its final
   * Request-URI, CSeq and body) answering `challenge` (the 401 or 407 to the previous one). Return
   * undefined to give up: the core then reports the 401/407 to the application. A digest client
   * gives up on a repeated challenge to the same nonce that is not `stale=true`.
   */
  authorize(request: SipRequest, challenge: SipResponse): [string, string][] | undefined;
}

/** Most times one request is sent again with new credentials before the challenge is reported. */
export const MAX_AUTH_RETRIES = 3;

/**
 * The request to send again after a 401 or 407 (§22.2): "the client SHOULD retry the request with
 * the appropriate credentials [...] When resubmitting its request in response to a 401 [...] a UAC
 * [...] MUST increment the CSeq header field value as it would normally when sending an updated
 * request", with the same Call-ID, From and To (§8.1.3.5: a new request "with the same Call-ID, To,
 * and From of the previous request, but the CSeq should contain a new sequence number that is one
 * higher than the previous"). A new branch makes it a new transaction; earlier credentials are dropped.
 */
export function requestForRetry(previous: SipRequest, cseq: number): SipRequest {
  const next = previous.clone();
  next.setHeader("CSeq", `${cseq} ${previous.method}`);
  next.removeHeader("Via");
  next.addHeader("Via", `SIP/2.0/UDP invalid;branch=${newBranch()}`, { prepend: true });
  next.removeHeader("Authorization");
  next.removeHeader("Proxy-Authorization");
  return next;
}
