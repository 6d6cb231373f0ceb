import { formatNameAddr, formatUri, parseNameAddr } from "../sip/index.ts";
import { SessionError } from "./errors.ts";
import type { SipMessage } from "../sip/index.ts";
import { own } from "./strings.ts";

/**
 * Route sets (RFC 3261 §12.1.1, §12.1.2) and where an in-dialog request goes (§12.2.1.1, §8.1.2).
 * Route values are kept as text (`<sip:p1.example.com;lr>`), ready to be copied into Route fields.
 */

const NONE: readonly string[] = Object.freeze([]);

/**
 * The route set a dialog takes from the Record-Route of the message that creates it.
 *
 * UAS, §12.1.1: "The route set MUST be set to the list of URIs in the Record-Route header field
 * from the request, taken in order and preserving all URI parameters." UAC, §12.1.2: "The route
 * set MUST be set to the list of URIs in the Record-Route header field from the response, taken in
 * reverse order and preserving all URI parameters."
 */
export function routeSetFrom(message: SipMessage, reverse: boolean): readonly string[] {
  if (!message.hasHeader("Record-Route")) return NONE;
  const values = message.recordRoute.map((na) => own(formatNameAddr({ uri: na.uri, params: {} })));
  if (reverse) values.reverse();
  return values;
}

/** Whether a route entry is a loose router (its URI carries `lr`, RFC 3261 §19.1.1). */
export function isLooseRoute(entry: string): boolean {
  const uri = parseNameAddr(entry).uri;
  return "params" in uri && uri.params["lr"] !== undefined;
}

/** What a request inside a dialog is sent with. */
export interface RoutePlan {
  /** The Request-URI. */
  readonly requestUri: string;
  /** The Route field values, in order. */
  readonly routes: readonly string[];
  /** The URI whose address the request is sent to (RFC 3261 §8.1.2). */
  readonly nextHop: string;
}

/**
 * The Request-URI, Route fields and next hop of a request inside a dialog (§12.2.1.1):
 *
 * "If the route set is empty, the UAC MUST place the remote target URI into the Request-URI. The
 * UAC MUST NOT add a Route header field to the request." "If the route set is not empty, and the
 * first URI in the route set contains the lr parameter, the UAC MUST place the remote target URI
 * into the Request-URI and MUST include a Route header field containing the route set values in
 * order, including all parameters." "If the route set is not empty, and its first URI does not
 * contain the lr parameter, the UAC MUST place the first URI from the route set into the
 * Request-URI, stripping any parameters that are not allowed in a Request-URI. The UAC MUST add a
 * Route header field containing the remainder of the route set values in order, including all
 * parameters. The UAC MUST then place the remote target URI into the Route header field as the
 * last value."
 *
 * @param strict whether the first entry is a strict router (see {@link isLooseRoute})
 */
export function planRoute(routeSet: readonly string[], remoteTarget: string, strict: boolean): RoutePlan {
  if (routeSet.length === 0) return { requestUri: remoteTarget, routes: NONE, nextHop: remoteTarget };
  if (!strict) return { requestUri: remoteTarget, routes: routeSet, nextHop: routeSet[0]! };
  const requestUri = requestUriOf(routeSet[0]!);
  return { requestUri, routes: [...routeSet.slice(1), `<${remoteTarget}>`], nextHop: requestUri };
}

/**
 * The URI of a route entry as a Request-URI. §19.1.1, Table 1: `method`, `ttl`-less `maddr` forms
 * and URI headers are not allowed in a Request-URI.
 */
function requestUriOf(entry: string): string {
  const uri = parseNameAddr(entry).uri;
  if (!("params" in uri) || !("host" in uri)) return formatUri(uri);
  const params = { ...uri.params };
  delete params["method"];
  return formatUri({ ...uri, params, headers: {} });
}

/** The URI of a name-addr or URI text (`Bob <sip:bob@b.example.com>;x=y` gives `sip:bob@b.example.com`). */
export function uriOf(text: string): string {
  const lt = text.indexOf("<");
  if (lt >= 0) {
    const gt = text.indexOf(">", lt + 1);
    if (gt > lt) return text.slice(lt + 1, gt);
  }
  try {
    return formatUri(parseNameAddr(text).uri);
  } catch (error) {
    throw new SessionError("BAD_ARGUMENT", `not an address: ${text}`, { cause: error });
  }
}

/** A Route value in name-addr form (§20.34: `<uri>`). */
export function asRoute(entry: string): string {
  return entry.includes("<") ? entry : `<${entry}>`;
}

/**
 * Where a new request outside any dialog goes (RFC 3261 §8.1.2): "the UAC MUST [...] send the
 * request to the location given by the first Route header field value, if present, or to the
 * Request-URI" — the Request-URI being `uri`, `requestUri`, or else the To URI.
 */
export function initialNextHop(init: { readonly route?: readonly string[] | undefined; readonly requestUri?: string | undefined; readonly uri?: string; readonly to: string }): string {
  const first = init.route?.[0];
  if (first !== undefined) return uriOf(asRoute(first));
  return init.uri ?? init.requestUri ?? uriOf(init.to);
}
