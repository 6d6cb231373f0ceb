import type { TransactionFlow, TransactionLayer, TransactionLayerOptions } from "../transaction/index.ts";
import type { SipRequest } from "../sip/index.ts";
import { randomHex } from "../random.ts";
import type { ChallengeResponder, RequestChallenger } from "./challenge.ts";
import type { MediaHandlerFactory } from "./media.ts";
import type { SessionTimerOptions } from "./session-timer.ts";
import { SessionError } from "./errors.ts";

/**
 * What the session core needs from the transport below it (RFC 3261 §8.1.2, §18.1.1). The driver's
 * endpoint implements it with `prepareRequest`; the test harnesses with their simulated network.
 */
export interface SessionTransport<F extends TransactionFlow = TransactionFlow> {
  /**
   * Where `request` goes when its next hop is `nextHop` (a URI: the first Route, or the remote
   * target, §8.1.2): fills in the top Via's sent-by and transport (the branch is already set,
   * §18.1.1) and returns the flow, or undefined when no flow can reach it.
   */
  route(request: SipRequest, nextHop: string): F | undefined;
  /**
   * The Contact URI (without angle brackets) this user agent writes in requests and responses that
   * create or refresh a dialog over `flow` (§8.1.1.8, §12.1.1): an address the peer can reach us at.
   */
  contact(flow: F): string;
  /**
   * RFC 3263 §4.3: `request` (a copy of one that failed towards `nextHop` on flow `failed` — a
   * timeout, a transport error or a 503 before any provisional response) goes to the next target of
   * the next hop's server list: fill in its top Via as `route` does and return the flow, or
   * undefined when no target is left. Optional: without it, such a failure is the request's outcome.
   */
  failover?(request: SipRequest, nextHop: string, failed: F): F | undefined;
}

/** Options of {@link createSessionCore}. */
export interface SessionCoreOptions<F extends TransactionFlow = TransactionFlow> {
  /** Routes requests and names our Contact. */
  transport: SessionTransport<F>;
  /** Makes each session's media handler. */
  media: MediaHandlerFactory;
  /**
   * The transaction layer: an existing one (the driver endpoint's), whose events the caller passes
   * to `handleTransactionEvent` and whose transmits and timers the caller drives; or options for one
   * the core makes and drives itself (`handleMessage`, `pollTransmit`, `handleTimeout`). Default: a
   * new layer with defaults.
   */
  transactions?: TransactionLayer<F> | TransactionLayerOptions;
  /**
   * Answers 401/407 challenges (RFC 3261 §22), and signs new requests up front with the credentials
   * of realms it has seen (§22.3) when it has `preauthorize` (a digest client from `@siphon/siphon/auth`
   * does); without one, challenges end the request.
   */
  authenticator?: ChallengeResponder;
  /**
   * Authenticates the requests this user agent receives (RFC 3261 §22.1, §22.4): it sees every
   * request but ACK and CANCEL before the core acts on it, and its refusal (401 or 407 with a
   * challenge) is the answer. See {@link digestChallenger}.
   */
  challenger?: RequestChallenger;
  /**
   * Reliable provisional responses (RFC 3262): `supported` (the default) sends them when the peer
   * requires 100rel, or supports it and the application rings reliably; `required` adds
   * `Require: 100rel` to our INVITEs; `off` neither supports nor sends them.
   */
  reliableProvisionals?: "supported" | "required" | "off";
  /** Session timers (RFC 4028); `false` turns them off. Default 1800 s with Min-SE 90. */
  sessionTimer?: Partial<SessionTimerOptions> | false;
  /**
   * What to do with more than one 2xx to a forked INVITE (RFC 3261 §13.2.2.4): `first` (default)
   * keeps the first and ends the others with ACK and BYE; `all` keeps each as a session of its own
   * (a `forked` event).
   */
  forking?: "first" | "all";
  /**
   * Methods besides the session's own that the application answers itself: requests with these
   * methods (in or out of a dialog) reach it as `request` events; others are answered 405 with Allow
   * (known methods) or 501 (unknown ones), RFC 3261 §8.2.1. E.g. `["INFO", "MESSAGE"]`.
   */
  methods?: readonly string[];
  /** Body types the media handler takes (RFC 3261 §8.2.3). Default `["application/sdp"]`. */
  accept?: readonly string[];
  /** User-Agent (requests) and Server (responses) text; none by default. */
  userAgent?: string;
  /** Most live sessions; a new INVITE beyond it is answered 503 with Retry-After. Default 100000. */
  maxSessions?: number;
  /** A uniform random value in [0, 1) for glare back-off and Retry-After. Default: crypto.getRandomValues. */
  random?: () => number;
  /** New tags (default 64 random bits, hex). */
  newTag?: () => string;
  /** New Call-IDs (default 128 random bits, hex). */
  newCallId?: () => string;
  /**
   * Called when the core queues an event while none was queued, or arms a deadline earlier than
   * its next one: lets a driver drain what a session call made outside the driver's loop (a
   * `bye(now)` after an await), so that no caller has to flush.
   */
  onOutput?: () => void;
}

/** The methods the session core serves itself (RFC 3261, RFC 3262, RFC 3311). */
export const SESSION_METHODS: readonly string[] = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "PRACK", "UPDATE"];

/** Methods of RFC 3261 and its extensions that a user agent recognizes (405, not 501, when not served). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  ...SESSION_METHODS,
  "REGISTER", "INFO", "MESSAGE", "SUBSCRIBE", "NOTIFY", "REFER", "PUBLISH",
]);

/** Options with defaults filled in and the fixed header values made once. @internal */
export interface ResolvedOptions {
  readonly reliable: "supported" | "required" | "off";
  readonly timer: SessionTimerOptions | undefined;
  readonly forking: "first" | "all";
  readonly appMethods: ReadonlySet<string>;
  readonly accept: readonly string[];
  readonly maxSessions: number;
  readonly random: () => number;
  readonly newTag: () => string;
  readonly newCallId: () => string;
  readonly authenticator: ChallengeResponder | undefined;
  readonly challenger: RequestChallenger | undefined;
  /** Allow (RFC 3261 §20.5). */
  readonly allow: string;
  /** Supported (RFC 3261 §20.37): 100rel and timer as configured. */
  readonly supported: string;
  /** Option tags we support, for the Require check (§8.2.2.3). */
  readonly optionTags: ReadonlySet<string>;
  /** Accept (RFC 3261 §20.1). */
  readonly acceptHeader: string;
  /** User-Agent, or undefined. */
  readonly userAgent: string | undefined;
}

function cryptoRandom(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0]! / 4294967296;
}

/** Fills in the defaults and checks the values; a bad configuration is a programming error. @internal */
export function resolveOptions<F extends TransactionFlow>(options: SessionCoreOptions<F>): ResolvedOptions {
  const reliable = options.reliableProvisionals ?? "supported";
  let timer: SessionTimerOptions | undefined;
  if (options.sessionTimer !== false) {
    const t = options.sessionTimer ?? {};
    timer = { expires: t.expires ?? 1800, minSE: t.minSE ?? 90, ...(t.refresher !== undefined ? { refresher: t.refresher } : {}) };
    // RFC 4028 §4: "the Min-SE [...] MUST NOT be less than 90 seconds"; §7.1: Session-Expires
    // MUST NOT be less than Min-SE.
    if (!(timer.minSE >= 90) || !(timer.expires >= timer.minSE)) {
      throw new SessionError("BAD_ARGUMENT", "sessionTimer: need minSE >= 90 and expires >= minSE (RFC 4028 §4)");
    }
  }
  const appMethods = new Set(options.methods ?? []);
  for (const m of SESSION_METHODS) appMethods.delete(m);
  const tags: string[] = [];
  if (reliable !== "off") tags.push("100rel");
  if (timer !== undefined) tags.push("timer");
  const accept = options.accept ?? ["application/sdp"];
  return {
    reliable,
    timer,
    forking: options.forking ?? "first",
    appMethods,
    accept,
    maxSessions: options.maxSessions ?? 100000,
    random: options.random ?? cryptoRandom,
    newTag: options.newTag ?? (() => randomHex(8)),
    newCallId: options.newCallId ?? (() => randomHex(16)),
    authenticator: options.authenticator,
    challenger: options.challenger,
    allow: [...SESSION_METHODS, ...appMethods].join(", "),
    supported: tags.join(", "),
    optionTags: new Set(tags),
    acceptHeader: accept.join(", "),
    userAgent: options.userAgent,
  };
}
