/**
 * What the client keeps per challenged realm: the server nonce and its count, the chosen algorithm
 * and qop, and the derived keys, so later requests can be signed without a new challenge
 * (RFC 3261 §22.2–22.3: credentials cached per realm), and the signing itself (RFC 7616 §3.4).
 *
 * Internal to src/auth.
 */
import type { SipRequest } from "../sip/index.ts";
import type { AlgorithmInfo } from "./algorithms.ts";
import type { DigestChallenge } from "./challenge.ts";
import { quotedParam } from "./auth-params.ts";
import { credentialsHead } from "./credentials.ts";
import { requestDigest, sessionHa1 } from "./digest.ts";
import { hashJoin } from "./hash.ts";

/** Where a realm's cached credentials apply without a new challenge (RFC 3261 §22.2, §22.3). */
const MAX_SCOPE = 32;

/** One challenged realm (per header kind: a realm may protect both a proxy and a registrar). */
export interface RealmState {
  /** `W` or `P` (WWW- or Proxy-) and the realm: the cache key. */
  readonly key: string;
  readonly proxy: boolean;
  readonly realm: string;
  alg: AlgorithmInfo;
  /** The algorithm token as the challenge wrote it, echoed (absent: MD5, echoed absent). */
  algToken: string | undefined;
  nonce: string;
  opaque: string | undefined;
  qop: "auth" | "auth-int" | undefined;
  /** Requests signed with this nonce (RFC 7616 §3.4: nc counts them, from 1). */
  nc: number;
  /** The username parameter: the name, or H(name ":" realm) with userhash (RFC 7616 §3.4.4). */
  usernameParam: string;
  userhash: boolean;
  /** H(A1) for this realm and hash (RFC 7616 §3.4.2). */
  ha1: string;
  /** `-sess`: cnonce-prime and the session key, fixed for the nonce (RFC 2617 §3.2.2.2). */
  sessCnonce: string | undefined;
  sessKey: string | undefined;
  /** The credentials' parameters that stay the same under this nonce, written once. */
  head: string;
  /** To URIs (401 realms) or Call-IDs (407 realms) the credentials were sent with. */
  readonly scope: string[];
}

/** Remembers a destination or Call-ID for preemptive use, keeping the newest MAX_SCOPE. */
export function addScope(s: RealmState, v: string): void {
  const i = s.scope.indexOf(v);
  if (i >= 0) s.scope.splice(i, 1);
  else if (s.scope.length >= MAX_SCOPE) s.scope.shift();
  s.scope.push(v);
}

/** Points a state (new or cached) at a challenge it answers. */
export function applyChallenge(
  prev: RealmState | undefined,
  key: string,
  proxy: boolean,
  ch: DigestChallenge,
  alg: AlgorithmInfo,
  qop: "auth" | "auth-int" | undefined,
  username: string,
  userhash: boolean,
  ha1: string,
): RealmState {
  const s: RealmState = prev ?? {
    key,
    proxy,
    realm: ch.realm,
    alg,
    algToken: ch.algorithm,
    nonce: ch.nonce,
    opaque: ch.opaque,
    qop,
    nc: 0,
    usernameParam: "",
    userhash,
    ha1,
    sessCnonce: undefined,
    sessKey: undefined,
    head: "",
    scope: [],
  };
  // A new nonce restarts the count; the same nonce (stale=true reissued it) keeps counting.
  if (s.nonce !== ch.nonce || s.alg !== alg || s.ha1 !== ha1) {
    s.nc = 0;
    s.sessCnonce = undefined;
    s.sessKey = undefined;
  }
  s.alg = alg;
  s.ha1 = ha1;
  s.algToken = ch.algorithm;
  s.nonce = ch.nonce;
  s.opaque = ch.opaque;
  s.qop = qop;
  s.userhash = userhash;
  // RFC 7616 §3.4.4: hashed "after any other hash calculation"; A1 keeps the plain name.
  s.usernameParam = userhash ? hashJoin(alg.hash, [username, ch.realm]) : username;
  s.head = credentialsHead({ username: s.usernameParam, realm: s.realm, nonce: s.nonce, algorithm: s.algToken, opaque: s.opaque, userhash });
  return s;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? "0" : "") + i.toString(16));

/** Cnonces of 16 hex digits (64 random bits), read from 4 KiB blocks of the random source. */
export function cnonceSource(random: (n: number) => Uint8Array): () => string {
  let block: Uint8Array = new Uint8Array(0);
  let at = 0;
  return () => {
    if (at + 8 > block.length) {
      block = random(4096);
      at = 0;
    }
    let s = "";
    for (const end = at + 8; at < end; at++) s += HEX[block[at]!];
    return s;
  };
}

/** The Authorization (Proxy-Authorization) value for `request` under this state, counting one more use of the nonce. */
export function sign(s: RealmState, request: SipRequest, cnonces: () => string): string {
  let ha1 = s.ha1;
  let cnonce = "";
  let nc = "";
  if (s.qop !== undefined) {
    s.nc++;
    nc = s.nc.toString(16).padStart(8, "0");
    // -sess keeps the first cnonce for the nonce, so the session key is the one every server
    // derives (RFC 2617 §3.2.2.2); otherwise each request gets a fresh one.
    cnonce = s.alg.sess ? (s.sessCnonce ??= cnonces()) : cnonces();
  }
  if (s.alg.sess) ha1 = s.sessKey ??= sessionHa1(s.alg.hash, ha1, s.nonce, cnonce);
  const uri = request.uriText;
  const response = requestDigest({
    hash: s.alg.hash,
    ha1,
    nonce: s.nonce,
    method: request.method,
    uri,
    qop: s.qop,
    nc,
    cnonce,
    body: s.qop === "auth-int" ? request.body : undefined,
  });
  // The head was written (and checked) once per nonce; cnonce, nc and response are this side's hex.
  let value = `${s.head}, ${quotedParam("uri", uri)}, response="${response}"`;
  if (s.qop !== undefined) value += `, cnonce="${cnonce}", qop=${s.qop}, nc=${nc}`;
  return value;
}
