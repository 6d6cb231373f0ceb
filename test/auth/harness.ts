// Shared helpers for the digest-authentication tests: requests and challenge responses built with
// the SIP layer, an independent digest computation on node:crypto, and a deterministic random source.
import { createHash } from "node:crypto";
import { createRequest, createResponse, parseMessage, serializeMessage } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { parseDigestCredentials } from "../../src/auth/index.ts";
import type { DigestCredentials } from "../../src/auth/index.ts";

export interface Req {
  method?: string;
  uri?: string;
  to?: string;
  callId?: string;
  cseq?: number;
  body?: string;
  headers?: [string, string][];
}

/** A request from alice@atlanta.example.com (RFC 3261 §24 style). */
export function req(o: Req = {}): SipRequest {
  const method = o.method ?? "INVITE";
  return createRequest({
    method,
    uri: o.uri ?? "sip:bob@biloxi.example.com",
    from: "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl",
    to: o.to ?? "Bob <sip:bob@biloxi.example.com>",
    callId: o.callId ?? "3848276298220188511@atlanta.example.com",
    cseq: o.cseq ?? 1,
    via: "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK74bf9",
    headers: o.headers,
    ...(o.body !== undefined ? { body: o.body, contentType: "application/sdp" } : {}),
  });
}

/** A 401 (or another status) to `request` carrying the given header fields. */
export function challengeTo(request: SipRequest, headers: [string, string][], status = 401): SipResponse {
  return createResponse(request, status, undefined, { toTag: "8321234356", headers });
}

/** Adds header fields to a request, as a UAC does before resending it. */
export function withHeaders(request: SipRequest, headers: readonly [string, string][]): SipRequest {
  for (const [n, v] of headers) request.addHeader(n, v);
  return request;
}

/** A request as the other side receives it: serialized and parsed again. */
export function overTheWire(request: SipRequest): SipRequest {
  return parseMessage(serializeMessage(request)) as SipRequest;
}

const NODE: Record<string, string> = { md5: "md5", "sha-256": "sha256", "sha-512-256": "sha512-256" };

/** RFC 7616 §3.4.1 computed from scratch on node:crypto, for checking the client's output. */
export function expectedResponse(c: DigestCredentials, o: { username: string; password: string; method: string; body?: string }): string {
  const alg = (c.algorithm ?? "MD5").toLowerCase();
  const sess = alg.endsWith("-sess");
  const H = (s: string): string => createHash(NODE[sess ? alg.slice(0, -5) : alg]!).update(s).digest("hex");
  let ha1 = H(`${o.username}:${c.realm}:${o.password}`);
  if (sess) ha1 = H(`${ha1}:${c.nonce}:${c.cnonce}`);
  const ha2 = c.qop === "auth-int" ? H(`${o.method}:${c.uri}:${H(o.body ?? "")}`) : H(`${o.method}:${c.uri}`);
  return c.qop ? H(`${ha1}:${c.nonce}:${c.nc}:${c.cnonce}:${c.qop}:${ha2}`) : H(`${ha1}:${c.nonce}:${ha2}`);
}

/** The parsed credentials of a header list's entry named `name` (the first). */
export function credentialsIn(headers: readonly [string, string][], name = "Authorization"): DigestCredentials {
  const h = headers.find(([n]) => n === name);
  if (h === undefined) throw new Error(`no ${name} in ${JSON.stringify(headers)}`);
  return parseDigestCredentials(h[1]);
}

/** A random source that counts: reproducible cnonces and nonces. */
export function countingRandom(seed = 1): (n: number) => Uint8Array {
  let x = seed;
  return (n) => Uint8Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
}
