import type { DigestHa1Lookup, DigestServer } from "../auth/index.ts";
import type { SipRequest, SipResponse } from "../sip/index.ts";
import { newBranch } from "../transaction/index.ts";

/**
 * Answers digest challenges for the session core (RFC 3261 §22.2, §22.3; RFC 7616, RFC 8760). On a
 * 401 or 407 to a request it sent, the core builds the request again (same Call-ID and From tag, a
 * new CSeq number and a new branch) and asks for the header fields that authorize it. A digest
 * client from `@siphon/siphon/auth` (`createDigestClient`) is one.
 */
export interface ChallengeResponder {
  /**
   * The Authorization / Proxy-Authorization fields for `request` (the new request, with its final
   * Request-URI, CSeq and body) answering `challenge` (the 401 or 407 to the previous one). Return
   * undefined to give up: the core then reports the 401/407 to the application. A digest client
   * gives up on a repeated challenge to the same nonce that is not `stale=true`.
   */
  authorize(request: SipRequest, challenge: SipResponse): [string, string][] | undefined;
  /**
   * Credentials for a new request before any challenge (§22.2: "UAs SHOULD cache the credentials
   * for a given value of the To header field and "realm" and attempt to re-use these values on the
   * next request for that destination"; §22.3 likewise for proxies): the core asks for every
   * request it sends but ACK, CANCEL and those already carrying credentials, once the request is
   * complete. Empty when none applies.
   */
  preauthorize?(request: SipRequest): [string, string][];
}

/** How a {@link RequestChallenger} refuses a request: the status and the fields of the answer. */
export interface ChallengeRefusal {
  /** 401 or 407 with a challenge; 400 for malformed credentials; 403 or 500 as the challenger sees fit. */
  readonly status: number;
  /** WWW-Authenticate / Proxy-Authenticate (or a Warning). */
  readonly headers: readonly [string, string][];
}

/**
 * Authenticates requests a user agent server receives (RFC 3261 §22.1: "a UAS [...] MAY challenge
 * the originator to provide credentials"). The core asks before it acts on each request but ACK
 * and CANCEL (which cannot be challenged, §22.1): a new INVITE is refused before any session or
 * media handler is made for it.
 */
export interface RequestChallenger {
  /** Undefined to let `request` through; else how to refuse it. */
  verify(request: SipRequest, now: number): ChallengeRefusal | undefined;
}

/** Options of {@link digestChallenger}. */
export interface DigestChallengerOptions {
  /** The methods to challenge. Default: every method the core is asked about. */
  methods?: readonly string[];
  /** Challenge only requests outside a dialog (no To tag). Default false. */
  outOfDialogOnly?: boolean;
}

/**
 * A {@link RequestChallenger} on a digest server (`createDigestServer` from `@siphon/siphon/auth`):
 * requests without valid credentials get its challenge (401, or 407 for a proxy server), with
 * `stale=true` when only the nonce was wrong — expired, replayed (a nonce count seen before,
 * RFC 7616 §3.4.6) or not this server's (RFC 7616 §3.3) — so that the client answers again without
 * asking its user; malformed credentials get 400.
 *
 * ```ts
 * const server = createDigestServer({ realm: "example.com" });     // MD5 by default: sipsak, baresip
 * const challenger = digestChallenger(server, (id) =>
 *   id.username === "alice" ? digestHa1("alice", id.realm, "secret", id.hash) : undefined, { methods: ["INVITE"] });
 * ```
 */
export function digestChallenger(server: DigestServer, lookup: DigestHa1Lookup, options: DigestChallengerOptions = {}): RequestChallenger {
  const methods = options.methods === undefined ? undefined : new Set(options.methods);
  const outOfDialogOnly = options.outOfDialogOnly ?? false;
  return {
    verify(request, now) {
      if (methods !== undefined && !methods.has(request.method)) return undefined;
      if (outOfDialogOnly && request.toTag !== undefined) return undefined;
      const r = server.verify(request, now, lookup);
      if (r.ok) return undefined;
      if (r.status === 400 || r.status === 500) return { status: r.status, headers: [] };
      return { status: r.status, headers: server.challengeHeaders(now, { stale: r.stale }) };
    },
  };
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
  const next = withNewBranch(previous);
  next.setHeader("CSeq", `${cseq} ${previous.method}`);
  next.removeHeader("Authorization");
  next.removeHeader("Proxy-Authorization");
  return next;
}

/**
 * A copy of `previous` as a new transaction: RFC 3263 §4.3, "the client SHOULD create a new request,
 * which is identical to the previous, but has a different value of the Via branch ID than the
 * previous (and therefore constitutes a new SIP transaction)". The transport fills in the Via's
 * sent-by for the flow it goes on.
 */
export function withNewBranch(previous: SipRequest): SipRequest {
  const next = previous.clone();
  next.removeHeader("Via");
  next.addHeader("Via", `SIP/2.0/UDP invalid;branch=${newBranch()}`, { prepend: true });
  return next;
}
