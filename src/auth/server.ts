/**
 * The server side of digest authentication (RFC 3261 §22.1, §22.3–22.4; RFC 7616 §3.3–3.5; RFC 8760
 * §2.3): challenges and verification for a registrar, proxy or user agent server. Sans-I/O: time
 * comes in as `now` (ms) and nothing is sent; the caller answers with the response it is given.
 *
 * Passwords never reach the server: it checks credentials against the HA1 the caller supplies
 * (see {@link digestHa1}), fetched before calling {@link DigestServer.verify} when the store is
 * asynchronous:
 *
 * ```ts
 * const server = createDigestServer({ realm: "example.com" });
 * const who = server.identify(request);                // { username, realm, hash, userhash }
 * const ha1 = who && (await users.ha1(who.username, who.hash));
 * const r = server.verify(request, now, ha1);
 * if (!r.ok) send(r.status === 400 ? createResponse(request, 400) : server.challenge(request, now, { stale: r.stale }));
 * ```
 */
import type { ParseResult } from "../errors.ts";
import { randomHex, pooledRandom } from "../random.ts";
import { createResponse, parseUri, uriEquals } from "../sip/index.ts";
import type { SipRequest, SipResponse } from "../sip/index.ts";
import { algorithmInfo } from "./algorithms.ts";
import type { AlgorithmInfo, DigestAlgorithm, DigestHash } from "./algorithms.ts";
import { scanAuthItems } from "../sip/auth-value.ts";
import { hasControl } from "./auth-params.ts";
import { formatDigestChallenge } from "./challenge.ts";
import { credentialsFromItem } from "./credentials.ts";
import type { DigestCredentials } from "./credentials.ts";
import { requestDigestIs, sessionHa1 } from "./digest.ts";
import { AuthError } from "./errors.ts";
import type { AuthErrorCode } from "./errors.ts";
import { hexLength } from "./hash.ts";
import { NonceMint } from "./nonce.ts";
import { NonceCounts } from "./replay.ts";

/** Options of {@link createDigestServer}. */
export interface DigestServerOptions {
  /** The protection space (RFC 7616 §3.3): shown to users, hashed into every HA1. */
  realm: string;
  /**
   * Key of the nonces' MAC. Servers sharing users (a cluster, or restarts) share it so each accepts
   * the others' nonces; default: 32 random bytes, so nonces die with the process.
   */
  secret?: Uint8Array | string;
  /**
   * Algorithms offered, most preferred first; each gets its own challenge header (RFC 8760 §2.3).
   * Default `["MD5"]`, the one every deployed user agent answers: some refuse a 401 as soon as any
   * of its challenges names another algorithm (libre, hence baresip 1.x), others read only the
   * first challenge (sipsak). Offer `["SHA-256", "MD5"]` or stronger where the clients are known
   * to follow RFC 8760.
   */
  algorithms?: readonly DigestAlgorithm[];
  /**
   * qop values offered (RFC 7616 §3.3). Default `["auth"]`. `[]` offers none, the RFC 2069 form:
   * without nonce counts a replayed request passes until its nonce expires.
   */
  qop?: readonly ("auth" | "auth-int")[];
  /** How long a nonce is accepted after it was issued, in ms. Default 300 000 (5 minutes). */
  nonceTtl?: number;
  /** Proxy authentication: 407 with Proxy-Authenticate, credentials from Proxy-Authorization (RFC 3261 §22.3). */
  proxy?: boolean;
  /** Offer `userhash=true` (RFC 7616 §3.4.4): clients may send H(username ":" realm). Default false. */
  userhash?: boolean;
  /** An opaque string clients return unchanged. */
  opaque?: string;
  /** The `domain` URIs of the protection space. */
  domain?: readonly string[];
  /** Most nonces whose counts are tracked (about 170 bytes each, nonce included). Default 16 384. */
  maxNonces?: number;
  /**
   * Refuse credentials whose `uri` is not the Request-URI (RFC 7616 §3.4.6; compared as text, then
   * by RFC 3261 §19.1.4 equivalence). Default true; turn off behind a proxy that rewrites it.
   */
  checkUri?: boolean;
  /** Random bytes for nonces and To tags; default a pooled `crypto.getRandomValues`. */
  random?: (n: number) => Uint8Array;
}

/** Who the credentials of a request claim to be: what an HA1 lookup needs. */
export interface DigestIdentity {
  /** The username as sent: H(username ":" realm) when `userhash` is true. */
  readonly username: string;
  readonly userhash: boolean;
  readonly realm: string;
  /** The hash whose HA1 is needed (a `-sess` algorithm needs its hash's HA1). */
  readonly hash: DigestHash;
}

/** Finds the HA1 of a user for a hash, or undefined for an unknown user. */
export type DigestHa1Lookup = (identity: DigestIdentity) => string | undefined;

/** Verified credentials. */
export interface DigestVerified {
  readonly ok: true;
  /** The username as sent (a hash when `userhash`). */
  readonly username: string;
  readonly userhash: boolean;
  readonly realm: string;
  readonly algorithm: DigestAlgorithm;
  /** The qop used, or undefined for the RFC 2069 form. */
  readonly qop: "auth" | "auth-int" | undefined;
}

/** Refused credentials: why, and how to answer. */
export interface DigestRefused {
  readonly ok: false;
  readonly code: AuthErrorCode;
  /**
   * The digest was right but the nonce was not (expired, replayed, not ours): challenge again with
   * `stale=true`, and the client retries without asking its user (RFC 7616 §3.3).
   */
  readonly stale: boolean;
  /** The answer: 400 for malformed credentials, 500 for a bad stored HA1, else 401 (407 for a proxy). */
  readonly status: 400 | 401 | 407 | 500;
}

/** What {@link DigestServer.verify} returns. */
export type DigestVerification = DigestVerified | DigestRefused;

/** Options of a challenge. */
export interface DigestChallengeOptions {
  /** The client's digest was right but its nonce was not (from {@link DigestRefused.stale}). */
  stale?: boolean;
  /** The To tag of the 401/407 (RFC 3261 §8.2.6.2); default a random one when the request has none. */
  toTag?: string;
}

/** A digest-authentication server for one realm; see {@link createDigestServer}. */
export interface DigestServer {
  readonly realm: string;
  /** The challenge header fields, one per offered algorithm, most preferred first (RFC 8760 §2.3). */
  challengeHeaders(now: number, options?: DigestChallengeOptions): [name: string, value: string][];
  /** A 401 (407 for a proxy) answering `request`, with the challenge header fields. */
  challenge(request: SipRequest, now: number, options?: DigestChallengeOptions): SipResponse;
  /**
   * Who the request's credentials for this realm claim to be, and which hash their HA1 must be of,
   * so it can be fetched before {@link verify}. Undefined when there are none, or they name an
   * algorithm this server does not offer.
   */
  identify(request: SipRequest): DigestIdentity | undefined;
  /**
   * Checks the request's credentials for this realm against the user's HA1: a string (for the hash
   * of the algorithm the client chose, see {@link identify}), undefined for an unknown user, or a
   * lookup. Never throws for anything in the request.
   */
  verify(request: SipRequest, now: number, credential: string | undefined | DigestHa1Lookup): DigestVerification;
  /** Number of nonces whose counts are tracked. */
  readonly trackedNonces: number;
}

interface Found {
  creds: DigestCredentials | undefined;
  code: AuthErrorCode;
}

/** 0 when `s` is not `n` hex digits, 1 when they are lower-case, 2 when some are upper-case. */
function hexCase(s: string, n: number): 0 | 1 | 2 {
  if (s.length !== n) return 0;
  let upper = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) continue;
    if (c >= 0x41 && c <= 0x46) upper = true;
    else return 0;
  }
  return upper ? 2 : 1;
}

class Server implements DigestServer {
  readonly realm: string;
  readonly #algorithms: readonly AlgorithmInfo[];
  readonly #qop: readonly string[];
  readonly #ttl: number;
  readonly #proxy: boolean;
  readonly #userhash: boolean;
  readonly #opaque: string | undefined;
  readonly #domain: string[] | undefined;
  readonly #checkUri: boolean;
  readonly #random: (n: number) => Uint8Array;
  readonly #mint: NonceMint;
  readonly #counts: NonceCounts;

  constructor(o: DigestServerOptions) {
    const bad = (what: string): never => {
      throw new AuthError("BAD_OPTION", `createDigestServer: ${what}`);
    };
    if (typeof o.realm !== "string" || hasControl(o.realm)) bad("realm must be a string without control characters");
    this.realm = o.realm;
    const algs = o.algorithms ?? ["MD5"];
    const infos: AlgorithmInfo[] = [];
    for (const a of algs) {
      const info = algorithmInfo(a);
      if (info === undefined || info.name !== a) bad(`unknown algorithm ${JSON.stringify(a)}`);
      else infos.push(info);
    }
    if (infos.length === 0) bad("algorithms must not be empty");
    this.#algorithms = infos;
    const qop = o.qop ?? ["auth"];
    for (const q of qop) if (q !== "auth" && q !== "auth-int") bad(`unknown qop ${JSON.stringify(q)}`);
    // -sess needs the cnonce that only comes with a qop (RFC 2617 §3.2.2.2).
    if (qop.length === 0 && infos.some((i) => i.sess)) bad("-sess algorithms need a qop");
    this.#qop = qop;
    this.#ttl = o.nonceTtl ?? 300_000;
    if (!(this.#ttl > 0)) bad("nonceTtl must be positive");
    this.#proxy = o.proxy ?? false;
    this.#userhash = o.userhash ?? false;
    if (o.opaque !== undefined && hasControl(o.opaque)) bad("opaque has a control character");
    this.#opaque = o.opaque;
    this.#domain = o.domain ? [...o.domain] : undefined;
    this.#checkUri = o.checkUri ?? true;
    this.#random = o.random ?? pooledRandom();
    const secret = typeof o.secret === "string" ? new TextEncoder().encode(o.secret) : (o.secret ?? this.#random(32));
    this.#mint = new NonceMint(secret, o.realm, this.#random);
    const max = o.maxNonces ?? 16_384;
    if (!(max >= 1)) bad("maxNonces must be at least 1");
    this.#counts = new NonceCounts(max);
  }

  get trackedNonces(): number {
    return this.#counts.size;
  }

  challengeHeaders(now: number, options?: DigestChallengeOptions): [name: string, value: string][] {
    const name = this.#proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
    // One nonce for every algorithm: the client answers one of them (RFC 8760 §2.4).
    const nonce = this.#mint.issue(now);
    return this.#algorithms.map((a) => [
      name,
      formatDigestChallenge({
        realm: this.realm,
        domain: this.#domain,
        nonce,
        opaque: this.#opaque,
        stale: options?.stale ?? false,
        algorithm: a.name,
        qop: this.#qop as string[],
        userhash: this.#userhash,
      }),
    ]);
  }

  challenge(request: SipRequest, now: number, options?: DigestChallengeOptions): SipResponse {
    return createResponse(request, this.#proxy ? 407 : 401, undefined, {
      toTag: options?.toTag ?? randomHex(8, this.#random),
      headers: this.challengeHeaders(now, options),
    });
  }

  identify(request: SipRequest): DigestIdentity | undefined {
    const c = this.#find(request).creds;
    const alg = c === undefined ? undefined : algorithmInfo(c.algorithm);
    if (c === undefined || alg === undefined || !this.#algorithms.includes(alg)) return undefined;
    return { username: c.username, userhash: c.userhash, realm: c.realm, hash: alg.hashName };
  }

  /** The Digest credentials for this realm among the request's values (RFC 3261 §22.3: chosen by realm). */
  #find(request: SipRequest): Found {
    const values = request.headers(this.#proxy ? "Proxy-Authorization" : "Authorization");
    let code: AuthErrorCode = "MISSING_CREDENTIALS";
    for (const v of values) {
      const r = scanAuthItems(v);
      if (!r.ok) {
        code = "MALFORMED_CREDENTIALS";
        continue;
      }
      for (const item of r.value) {
        if (item.scheme.length !== 6 || item.scheme.toLowerCase() !== "digest") continue;
        const c: ParseResult<DigestCredentials, AuthErrorCode> = credentialsFromItem(item);
        if (c.ok) {
          if (c.value.realm === this.realm) return { creds: c.value, code };
          if (code === "MISSING_CREDENTIALS") code = "REALM_MISMATCH";
        } else {
          // Unusable credentials naming this realm make the request malformed; others are not ours.
          const p = item.params;
          let realm: string | undefined;
          for (let i = 0; i < p.length; i += 2) if (p[i] === "realm") realm = p[i + 1];
          if (realm === undefined || realm === this.realm) return { creds: undefined, code: "MALFORMED_CREDENTIALS" };
          if (code === "MISSING_CREDENTIALS") code = "REALM_MISMATCH";
        }
      }
    }
    return { creds: undefined, code };
  }

  #refuse(code: AuthErrorCode, stale = false): DigestRefused {
    const status = code === "MALFORMED_CREDENTIALS" ? 400 : code === "BAD_HA1" ? 500 : this.#proxy ? 407 : 401;
    return { ok: false, code, stale, status };
  }

  verify(request: SipRequest, now: number, credential: string | undefined | DigestHa1Lookup): DigestVerification {
    const found = this.#find(request);
    const c = found.creds;
    if (c === undefined) return this.#refuse(found.code);
    const alg = algorithmInfo(c.algorithm);
    if (alg === undefined || !this.#algorithms.includes(alg)) return this.#refuse("ALGORITHM_NOT_OFFERED");
    const qop = c.qop;
    if (qop === undefined ? this.#qop.length > 0 : !this.#qop.includes(qop)) return this.#refuse("QOP_NOT_OFFERED");
    if (c.response.length !== hexLength(alg.hash)) return this.#refuse("MALFORMED_CREDENTIALS");
    if (this.#checkUri && c.uri !== request.uriText && !sameUri(c.uri, request.uriText)) return this.#refuse("URI_MISMATCH");

    const given =
      typeof credential === "function"
        ? credential({ username: c.username, userhash: c.userhash, realm: c.realm, hash: alg.hashName })
        : credential;
    if (given === undefined) return this.#refuse("UNKNOWN_USER");
    const hex = hexCase(given, hexLength(alg.hash));
    if (hex === 0) return this.#refuse("BAD_HA1");
    // H(A1) goes into KD as lower-case hex (RFC 7616 §3.4.1).
    const ha1 = hex === 1 ? given : given.toLowerCase();

    // A nonce seen before was MAC-checked then; the map lookup saves the HMAC.
    const use = this.#counts.get(c.nonce);
    const issuedAt = use !== undefined ? use.issuedAt : this.#mint.issuedAt(c.nonce);
    const cnonce = c.cnonce ?? "";
    const input = {
      hash: alg.hash,
      ha1,
      nonce: c.nonce,
      method: request.method,
      uri: c.uri,
      qop,
      nc: c.nc ?? "",
      cnonce,
      body: qop === "auth-int" ? request.body : undefined,
    };
    if (alg.sess) {
      // RFC 2617 §3.2.2.2: the session key uses the first cnonce sent with this nonce; clients
      // that rehash with each request's cnonce are accepted too.
      const prime = use?.cnonce ?? cnonce;
      input.ha1 = sessionHa1(alg.hash, ha1, c.nonce, prime);
      if (!requestDigestIs(input, c.response)) {
        if (prime === cnonce) return this.#refuse("WRONG_RESPONSE");
        input.ha1 = sessionHa1(alg.hash, ha1, c.nonce, cnonce);
        if (!requestDigestIs(input, c.response)) return this.#refuse("WRONG_RESPONSE");
      }
    } else if (!requestDigestIs(input, c.response)) {
      return this.#refuse("WRONG_RESPONSE");
    }

    // The client knows the password: any problem with the nonce is answered stale=true (RFC 7616 §3.3).
    if (issuedAt < 0) return this.#refuse("BAD_NONCE", true);
    const age = now - issuedAt;
    if (age > this.#ttl || age < -this.#ttl) return this.#refuse("STALE_NONCE", true);
    if (qop !== undefined) {
      const seen = this.#counts.record(c.nonce, issuedAt, parseInt(c.nc!, 16), cnonce, now, this.#ttl);
      if (seen === "replay") return this.#refuse("REPLAY", true);
      if (seen === "forgotten") return this.#refuse("STALE_NONCE", true);
    }
    return { ok: true, username: c.username, userhash: c.userhash, realm: c.realm, algorithm: alg.name, qop: qop as "auth" | "auth-int" | undefined };
  }
}

/** RFC 3261 §19.1.4 equivalence of two URIs given as text; false when either does not parse. */
function sameUri(a: string, b: string): boolean {
  try {
    return uriEquals(parseUri(a), parseUri(b));
  } catch {
    return false;
  }
}

/**
 * Creates a digest-authentication server for one realm. Throws {@link AuthError} BAD_OPTION for an
 * invalid option.
 */
export function createDigestServer(options: DigestServerOptions): DigestServer {
  return new Server(options);
}
