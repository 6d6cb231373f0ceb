import type { MediaDirection } from "./media.ts";

/** What to put in a new INVITE (see `SessionCore.invite`). */
export interface InviteInit {
  /** The callee: To, as a name-addr or URI (`"Bob <sip:bob@biloxi.example.com>"`). */
  to: string;
  /** The caller: From, without tag. */
  from: string;
  /** Request-URI; default the To URI. */
  requestUri?: string;
  /** A pre-loaded route set (an outbound proxy): Route values, first hop first (RFC 3261 §8.1.2). */
  route?: readonly string[];
  /**
   * Whether the INVITE carries the offer (default true). Without one, the 2xx (or a reliable 1xx)
   * carries the offer and the ACK (or PRACK) the answer (RFC 3261 §13.2.1, RFC 3262 §5).
   */
  offer?: boolean;
  /** Direction of the initial offer. */
  direction?: MediaDirection;
  /** Call-ID; default a new random one. */
  callId?: string;
  /** Further header fields. */
  headers?: [string, string][];
}

/** Options of `ring` and `progress`. */
export interface RingOptions {
  /** Status, 101–199. Default 180, or 183 with `earlyMedia`. */
  status?: number;
  reason?: string;
  /**
   * Send it reliably (RFC 3262) when the caller supports 100rel. It is reliable anyway when the
   * caller requires 100rel, and never when 100rel is off.
   */
  reliable?: boolean;
  /**
   * Early media: the response carries the session description — the answer to the INVITE's offer
   * (reliably or not), or, for an offerless INVITE, our offer (reliable responses only, §5).
   */
  earlyMedia?: boolean;
  headers?: [string, string][];
}

/** Options of `answer`. */
export interface AnswerOptions {
  headers?: [string, string][];
}

/** Options of `reject`. */
export interface RejectOptions {
  reason?: string;
  headers?: [string, string][];
}

/** Options of a re-INVITE or UPDATE. */
export interface ModifyOptions {
  /**
   * Whether the request carries an offer (default true). A re-INVITE without one asks the peer for
   * an offer in its 2xx, answered in the ACK (§14.1); an UPDATE without one only refreshes.
   */
  offer?: boolean;
  /** The direction we want (RFC 3264 §8.4). Default: the current one. */
  direction?: MediaDirection;
  /** New transport parameters (ICE restart). */
  restart?: boolean;
}

/** Options of an in-dialog request (`session.request`). */
export interface SessionRequestOptions {
  headers?: [string, string][];
  body?: string | Uint8Array;
  contentType?: string;
}

/** What to put in a request outside any dialog (`core.request`). */
export interface OutgoingRequestInit {
  /** The method (not INVITE, ACK or CANCEL: those are the sessions'). */
  method: string;
  /** Request-URI. */
  uri: string;
  /** From, without tag (one is added). */
  from: string;
  /** To. */
  to: string;
  /** A pre-loaded route set (first hop first). */
  route?: readonly string[];
  callId?: string;
  cseq?: number;
  /** Contact, when the method needs one (REGISTER, §10.2.1). */
  contact?: boolean;
  headers?: [string, string][];
  body?: string | Uint8Array;
  contentType?: string;
}

/** Options of `respond`. */
export interface RespondInit {
  reason?: string;
  headers?: [string, string][];
  body?: string | Uint8Array;
  contentType?: string;
}
