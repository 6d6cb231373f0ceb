/**
 * The client side of digest authentication (RFC 3261 §22.2–22.3, RFC 7616 §3.4, RFC 8760 §2.4):
 * answers the challenges of a 401/407 for the request being sent again, and signs later requests
 * to the same realms up front. Synchronous and sans-I/O: the session core calls it with the
 * request it is about to send and the response that challenged the previous one.
 *
 * ```ts
 * const auth = createDigestClient({ credentials: { username: "alice", password: "secret" } });
 * // on a 401/407 to `prev`: a copy with the next CSeq, then
 * const headers = auth.authorize(next, response);
 * if (headers === undefined) fail(); // wrong credentials, or nothing this client can answer
 * next.removeHeader("Authorization");
 * next.removeHeader("Proxy-Authorization");
 * for (const [name, value] of headers) next.addHeader(name, value);
 * ```
 */
import { formatUri } from "../sip/index.ts";
import type { SipMessage, SipRequest, SipResponse } from "../sip/index.ts";
import { Accounts } from "./accounts.ts";
import type { DigestAccount } from "./accounts.ts";
import { algorithmInfo, DIGEST_ALGORITHMS } from "./algorithms.ts";
import type { AlgorithmInfo, DigestAlgorithm } from "./algorithms.ts";
import { scanAuthItems } from "../sip/auth-value.ts";
import { challengeFromItem } from "./challenge.ts";
import type { DigestChallenge } from "./challenge.ts";
import { AuthError } from "./errors.ts";
import type { AuthErrorCode } from "./errors.ts";
import { addScope, applyChallenge, cnonceSource, sign } from "./realm-state.ts";
import type { RealmState } from "./realm-state.ts";

/** Options of {@link createDigestClient}. */
export interface DigestClientOptions {
  /** One account, or several told apart by realm. */
  credentials: DigestAccount | readonly DigestAccount[];
  /** Random bytes for cnonces; default a pooled `crypto.getRandomValues`. */
  random?: (n: number) => Uint8Array;
  /**
   * Algorithms this client answers, most preferred first. Default: all, strongest first
   * (SHA-512-256, SHA-256, MD5, each before its -sess form). Among several challenges for one realm
   * the client takes the one it prefers: the local policy RFC 8760 §2.4 allows over the server's order.
   */
  algorithms?: readonly DigestAlgorithm[];
  /** The qop used when a challenge offers both (RFC 7616 §3.3); default `auth`. */
  qop?: "auth" | "auth-int";
  /** Send H(username ":" realm) when a challenge says `userhash=true` (RFC 7616 §3.4.4). Default true. */
  userhash?: boolean;
  /**
   * Realms whose credentials go on every request once a challenge has supplied a nonce: the
   * outbound proxy's realm of RFC 3261 §22.3, or a registrar that challenges every request.
   * Other realms are reused only on requests to the same To URI (401) or with the same Call-ID (407).
   */
  preemptiveRealms?: readonly string[];
}

/** What {@link DigestClient.tryAuthorize} returns. */
export type DigestAuthorization =
  | { readonly ok: true; readonly headers: [name: string, value: string][] }
  | { readonly ok: false; readonly code: AuthErrorCode };

/** A digest-authentication client; see {@link createDigestClient}. */
export interface DigestClient {
  /**
   * The Authorization and Proxy-Authorization header fields for `request`, the request about to be
   * sent again after `challenge` (the 401/407 to the previous one): an answer to each challenged
   * realm, plus fresh credentials for realms the previous request carried. The caller replaces
   * every Authorization and Proxy-Authorization field of `request` with them. Undefined when no
   * challenge can be answered or the credentials were refused; {@link tryAuthorize} says why.
   */
  authorize(request: SipRequest, challenge: SipResponse): [name: string, value: string][] | undefined;
  /** {@link authorize} with the reason of a failure. */
  tryAuthorize(request: SipRequest, challenge: SipResponse): DigestAuthorization;
  /**
   * Credentials for a new request from the realms cached by earlier challenges, each with its
   * nonce count advanced; empty when none applies. ACK and CANCEL get none: an ACK repeats the
   * INVITE's credentials (RFC 3261 §13.2.2.4, §17.1.1.3) and a CANCEL cannot be challenged (§22.1).
   */
  preauthorize(request: SipRequest): [name: string, value: string][];
  /** Drops the cached nonces of one realm, or of all. */
  forget(realm?: string): void;
}

/** How the previous request carried a realm's credentials: sent up front, or answering a challenge. */
type Sent = "preemptive" | "answer";

/** Requests signed recently, by Call-ID, CSeq and method, to recognise the 401/407 that answers one. */
const MAX_SIGNED = 512;
const MAX_REALMS = 64;

interface Candidate {
  key: string;
  proxy: boolean;
  ch: DigestChallenge;
  alg: AlgorithmInfo;
  qop: "auth" | "auth-int" | undefined;
  rank: number;
}

/** The Call-ID, CSeq number and method of a message, without throwing on a malformed one. */
function transactionKey(m: SipMessage): string | undefined {
  const callId = m.header("Call-ID");
  const cseq = m.header("CSeq");
  const p = cseq === undefined ? null : /^\s*0*(\d+)\s+(\S+)\s*$/.exec(cseq);
  return callId === undefined || p === null ? undefined : `${callId}\n${p[1]}\n${p[2]}`;
}

/** The To URI of a request, for 401 realms' reuse "for that destination" (RFC 3261 §22.2). */
function destination(request: SipRequest): string | undefined {
  try {
    const u = request.to.uri;
    return "host" in u ? `${u.scheme}:${u.user ?? ""}@${u.host}` : formatUri(u);
  } catch {
    return undefined;
  }
}

class Client implements DigestClient {
  readonly #accounts: Accounts;
  readonly #cnonces: () => string;
  readonly #prefer: readonly DigestAlgorithm[];
  readonly #qop: "auth" | "auth-int";
  readonly #userhash: boolean;
  readonly #everywhere: ReadonlySet<string>;
  readonly #states = new Map<string, RealmState>();
  readonly #signed = new Map<string, Map<string, Sent>>();

  constructor(o: DigestClientOptions) {
    const list = Array.isArray(o.credentials) ? (o.credentials as readonly DigestAccount[]) : [o.credentials as DigestAccount];
    this.#accounts = new Accounts(list);
    this.#cnonces = cnonceSource(o.random ?? ((n) => crypto.getRandomValues(new Uint8Array(n))));
    this.#prefer = o.algorithms ?? DIGEST_ALGORITHMS;
    for (const a of this.#prefer) {
      if (algorithmInfo(a)?.name !== a) throw new AuthError("BAD_OPTION", `createDigestClient: unknown algorithm ${JSON.stringify(a)}`);
    }
    this.#qop = o.qop ?? "auth";
    if (this.#qop !== "auth" && this.#qop !== "auth-int") throw new AuthError("BAD_OPTION", "createDigestClient: qop must be auth or auth-int");
    this.#userhash = o.userhash ?? true;
    this.#everywhere = new Set(o.preemptiveRealms ?? []);
  }

  authorize(request: SipRequest, challenge: SipResponse): [name: string, value: string][] | undefined {
    const r = this.tryAuthorize(request, challenge);
    return r.ok ? r.headers : undefined;
  }

  tryAuthorize(request: SipRequest, response: SipResponse): DigestAuthorization {
    if (response.status !== 401 && response.status !== 407) return { ok: false, code: "NO_CHALLENGE" };
    // A forking proxy gathers the challenges of every branch into one response, of either kind
    // (RFC 3261 §16.7 step 6), so both header fields are read whatever the status.
    let found = false;
    let code: AuthErrorCode = "NO_CREDENTIALS";
    const best = new Map<string, Candidate>();
    for (const proxy of [false, true]) {
      for (const value of response.headers(proxy ? "Proxy-Authenticate" : "WWW-Authenticate")) {
        const items = scanAuthItems(value);
        if (!items.ok) continue;
        for (const item of items.value) {
          if (item.scheme.toLowerCase() !== "digest") continue;
          const parsed = challengeFromItem(item);
          if (!parsed.ok) continue;
          found = true;
          const c = this.#candidate(proxy, parsed.value);
          if (typeof c === "string") {
            if (code === "NO_CREDENTIALS") code = c;
            continue;
          }
          const prev = best.get(c.key);
          if (prev === undefined || c.rank < prev.rank) best.set(c.key, c);
        }
      }
    }
    if (!found) return { ok: false, code: "NO_CHALLENGE" };
    if (best.size === 0) return { ok: false, code };

    const rkey = transactionKey(response);
    const carried = rkey === undefined ? undefined : this.#signed.get(rkey);
    const answered: RealmState[] = [];
    let refused = false;
    for (const c of best.values()) {
      const state = this.#states.get(c.key);
      const sent = carried?.get(c.key);
      // Credentials that answered a challenge and met another one, not stale, were wrong; so were
      // credentials sent up front with the nonce the server challenges with again (RFC 7616 §3.3).
      // Credentials sent up front with an older nonce get one answer: not every server says stale.
      const sameNonce = state !== undefined && state.nonce === c.ch.nonce;
      if (!c.ch.stale && (sent === "answer" || (sent === "preemptive" && sameNonce))) {
        this.#states.delete(c.key);
        refused = true;
        continue;
      }
      const account = this.#accounts.match(c.ch.realm)!;
      const userhash = this.#userhash && c.ch.userhash;
      const ha1 = this.#accounts.ha1(c.ch.realm, c.alg)!;
      answered.push(applyChallenge(state, c.key, c.proxy, c.ch, c.alg, c.qop, account.username, userhash, ha1));
    }
    if (refused) return { ok: false, code: "WRONG_CREDENTIALS" };

    const record = new Map<string, Sent>();
    const headers: [string, string][] = [];
    for (const s of answered) {
      this.#keep(s);
      this.#add(s, request, headers);
      record.set(s.key, "answer");
      const where = s.proxy ? request.header("Call-ID") : destination(request);
      if (where !== undefined) addScope(s, where);
    }
    // Realms the challenged request carried and not challenged now keep going, freshly counted.
    if (carried !== undefined) {
      for (const [key, how] of carried) {
        const s = this.#states.get(key);
        if (s !== undefined && !record.has(key)) {
          this.#add(s, request, headers);
          record.set(key, how);
        }
      }
    }
    this.#remember(request, record);
    return { ok: true, headers };
  }

  preauthorize(request: SipRequest): [name: string, value: string][] {
    const headers: [string, string][] = [];
    const method = request.method;
    if (method === "ACK" || method === "CANCEL" || this.#states.size === 0) return headers;
    const callId = request.header("Call-ID");
    let to: string | undefined;
    const record = new Map<string, Sent>();
    for (const s of this.#states.values()) {
      let applies = this.#everywhere.has(s.realm);
      // RFC 3261 §22.3: proxy credentials go on later requests with the same Call-ID; §22.2: a
      // UAS's credentials on the next request for the same destination (To).
      if (!applies && s.proxy) applies = callId !== undefined && s.scope.includes(callId);
      else if (!applies) applies = (to ??= destination(request) ?? "\n") !== "\n" && s.scope.includes(to);
      if (applies) {
        this.#add(s, request, headers);
        record.set(s.key, "preemptive");
      }
    }
    if (record.size > 0) this.#remember(request, record);
    return headers;
  }

  forget(realm?: string): void {
    if (realm === undefined) this.#states.clear();
    else for (const [k, s] of this.#states) if (s.realm === realm) this.#states.delete(k);
  }

  /** The challenge as this client would answer it, or why it cannot. */
  #candidate(proxy: boolean, ch: DigestChallenge): Candidate | AuthErrorCode {
    const alg = algorithmInfo(ch.algorithm);
    const rank = alg === undefined ? -1 : this.#prefer.indexOf(alg.name);
    if (alg === undefined || rank < 0) return "UNSUPPORTED_ALGORITHM";
    let qop: "auth" | "auth-int" | undefined;
    if (ch.qop.length > 0) {
      const other = this.#qop === "auth" ? "auth-int" : "auth";
      qop = ch.qop.includes(this.#qop) ? this.#qop : ch.qop.includes(other) ? other : undefined;
      if (qop === undefined) return "UNSUPPORTED_QOP";
    } else if (alg.sess) {
      // -sess hashes a cnonce into H(A1), and a cnonce is only sent with a qop (RFC 2617 §3.2.2).
      return "UNSUPPORTED_QOP";
    }
    if (this.#accounts.match(ch.realm) === undefined) return "NO_CREDENTIALS";
    if (!this.#accounts.canAnswer(ch.realm, alg)) return "UNSUPPORTED_ALGORITHM";
    return { key: (proxy ? "P" : "W") + ch.realm, proxy, ch, alg, qop, rank };
  }

  #add(s: RealmState, request: SipRequest, headers: [string, string][]): void {
    headers.push([s.proxy ? "Proxy-Authorization" : "Authorization", sign(s, request, this.#cnonces)]);
  }

  /** Caches a realm, dropping the least recently challenged beyond MAX_REALMS. */
  #keep(s: RealmState): void {
    this.#states.delete(s.key);
    this.#states.set(s.key, s);
    if (this.#states.size > MAX_REALMS) this.#states.delete(this.#states.keys().next().value as string);
  }

  #remember(request: SipRequest, record: Map<string, Sent>): void {
    const key = transactionKey(request);
    if (key === undefined) return;
    this.#signed.delete(key);
    this.#signed.set(key, record);
    if (this.#signed.size > MAX_SIGNED) this.#signed.delete(this.#signed.keys().next().value as string);
  }

  /** The realms cached, never a secret. */
  toJSON(): { realms: { realm: string; proxy: boolean; algorithm: string; nc: number }[] } {
    return { realms: [...this.#states.values()].map((s) => ({ realm: s.realm, proxy: s.proxy, algorithm: s.alg.name, nc: s.nc })) };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): unknown {
    return this.toJSON();
  }

  toString(): string {
    return `DigestClient(${this.#states.size} realms)`;
  }
}

/**
 * Creates a digest-authentication client. Passwords are hashed per realm when first needed and
 * never appear in errors, `toString`, JSON or console output of the client. Throws
 * {@link AuthError} BAD_OPTION for invalid options (the message names the option, never its value).
 */
export function createDigestClient(options: DigestClientOptions): DigestClient {
  return new Client(options);
}
