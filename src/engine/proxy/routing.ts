import { formatNameAddr, formatUri } from "../../sip/index.ts";
import type { NameAddr, SipRequest, SipUri, Uri } from "../../sip/index.ts";

/** A SIP or SIPS URI, else undefined. */
export function sipUri(uri: Uri): SipUri | undefined {
  return uri.scheme === "sip" || uri.scheme === "sips" ? (uri as SipUri) : undefined;
}

/** Whether a URI carries the `lr` parameter (RFC 3261 §19.1.1: a loose router). */
function looseRouter(uri: Uri): boolean {
  const u = sipUri(uri);
  return u !== undefined && u.params["lr"] !== undefined;
}

/**
 * Route information preprocessing (RFC 3261 §16.4) on `request`, in place. `ours` says whether a
 * URI names this proxy.
 *
 * "If the Request-URI contains a value this proxy previously placed into a Record-Route header
 * field (see Section 16.6 item 4), the proxy MUST replace the Request-URI in the request with the
 * last value from the Route header field, and remove that value from the Route header field": the
 * request comes from a strict router (RFC 2543), which put our Record-Route URI (no user part) in
 * the Request-URI. "If the first value in the Route header field indicates this proxy, the proxy
 * MUST remove that value from the request" — every leading value of ours, since a double
 * Record-Route (RFC 5658) leaves two.
 */
export function preprocessRoute(request: SipRequest, ours: (uri: SipUri) => boolean): void {
  const ruri = sipUri(request.uri);
  if (ruri !== undefined && ruri.user === undefined && ours(ruri) && request.hasHeader("Route")) {
    const routes = request.route;
    const last = routes[routes.length - 1];
    if (last !== undefined) {
      request.uri = formatUri(last.uri);
      setRoutes(request, routes.slice(0, -1));
    }
  }
  for (;;) {
    if (!request.hasHeader("Route")) return;
    const top = sipUri(request.route[0]!.uri);
    if (top === undefined || !ours(top)) return;
    request.removeFirstValue("Route");
  }
}

/**
 * RFC 3261 §16.6 step 6, "Postprocess routing information": "If the copy contains a Route header
 * field, the proxy MUST inspect the URI in its first value. If that URI does not contain an lr
 * parameter, the proxy MUST modify the copy as follows: The proxy MUST place the Request-URI into
 * the Route header field as the last value. The proxy MUST then place the first Route header field
 * value into the Request-URI and remove that value from the Route header field." Returns the next
 * hop of step 7: the first Route URI, else the Request-URI.
 */
export function postprocessRoute(request: SipRequest): string {
  if (!request.hasHeader("Route")) return request.uriText;
  const routes = request.route;
  const first = routes[0]!;
  if (looseRouter(first.uri)) return formatUri(first.uri);
  const rest: NameAddr[] = routes.slice(1);
  rest.push({ uri: request.uri, params: {} });
  request.uri = formatUri(first.uri);
  setRoutes(request, rest);
  return request.uriText;
}

/** Replaces the Route header fields by `routes` (none: removes them). */
export function setRoutes(request: SipRequest, routes: readonly NameAddr[]): void {
  if (routes.length === 0) request.removeHeader("Route");
  else request.setHeader("Route", routes.map(formatNameAddr));
}

/** Puts Path values (RFC 3327 §5.3) in front of the request's Route header fields. */
export function prependRoutes(request: SipRequest, values: readonly string[]): void {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i]!.trim();
    request.addHeader("Route", v.startsWith("<") ? v : `<${v}>`, { prepend: true });
  }
}

/**
 * What a request's routing depends on, hashed for loop detection (RFC 3261 §16.6 step 8: "the
 * proxy MAY [...] combin[e] a hash of the To tag, From tag, Call-ID header field, the Request-URI
 * of the request received (before translation), [...] and the sequence number from the CSeq header
 * field, in addition to any Proxy-Require and Proxy-Authorization header fields"). The topmost Via
 * is left out: a request that comes back has another one, and would never be found looping.
 */
export function loopHash(request: SipRequest): string {
  const parts = [
    request.uriText,
    request.fromTag ?? "",
    request.toTag ?? "",
    request.callId,
    String(request.cseq.seq),
    request.headers("Proxy-Require").join(","),
    request.headers("Proxy-Authorization").join(","),
  ];
  return fnv(parts.join("\u0000"));
}

/** 64-bit FNV-1a as two 32-bit lanes, 16 hex digits. */
export function fnv(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ (c + 0x9e), 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
