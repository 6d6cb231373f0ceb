import type { SipRequest, SipResponse } from "../sip/index.ts";
import { hasOption } from "./strings.ts";

/**
 * Session timers (RFC 4028): the interval a session lives without a refresh, who refreshes it, and
 * when. The negotiation is pure; the session arms the resulting deadline on the core's clock.
 */

/** The session-timer preferences of a core (RFC 4028 §4, §5). */
export interface SessionTimerOptions {
  /** Session interval asked for, in seconds (Session-Expires). Default 1800. */
  expires: number;
  /** The smallest interval accepted, in seconds (Min-SE; RFC 4028 §5: at least 90). Default 90. */
  minSE: number;
  /** Who should refresh when this side chooses (RFC 4028 §7.1, §9); default: the UAS picks. */
  refresher?: "uac" | "uas";
}

/** A negotiated session interval (RFC 4028 §4). */
export interface SessionInterval {
  /** Seconds. */
  readonly seconds: number;
  /** Who refreshes, in terms of the request that negotiated it. */
  readonly refresher: "uac" | "uas";
}

/**
 * RFC 4028 §7.1: Session-Expires and Min-SE for a request from the UAC side (an initial INVITE, or a
 * refresh: re-INVITE or UPDATE, §7.4 after a 422 with the raised values).
 */
export function timerRequestHeaders(seconds: number, minSE: number, refresher?: "uac" | "uas"): [string, string][] {
  return [
    ["Session-Expires", refresher === undefined ? String(seconds) : `${seconds};refresher=${refresher}`],
    ["Min-SE", String(minSE)],
  ];
}

/** What the UAS side does with a session-timer request (RFC 4028 §9). */
export type UasTimerDecision =
  /** Refuse with 422 and this Min-SE. */
  | { readonly reject: true; readonly minSE: number }
  /** Go on; `interval` is the session interval of the 2xx, when there is one. */
  | { readonly reject: false; readonly interval: SessionInterval | undefined };

/**
 * RFC 4028 §8.1 / §9: the UAS side of the negotiation for a request that may carry Session-Expires.
 * Throws the message layer's parse error when Session-Expires or Min-SE is malformed (the caller
 * answers 400).
 */
export function negotiateAsUas(request: SipRequest, options: SessionTimerOptions): UasTimerDecision {
  const asked = request.sessionExpires;
  const uacSupports = hasOption(request, "Supported", "timer");
  if (asked === undefined) {
    // §9: "If the UAC did not request the session timer [...] the UAS MAY [...] insert a
    // Session-Expires header field into the response"; without Supported: timer only the UAS can
    // refresh, so the refresher is uas.
    const refresher = uacSupports && options.refresher === "uac" ? "uac" : "uas";
    return { reject: false, interval: { seconds: options.expires, refresher } };
  }
  // §8.1 (and §9 for UAS): "If the value of the Session-Expires header field is less than the
  // minimum, it MUST reject the request with a 422 response [...] and MUST contain a Min-SE
  // header field with the minimum value."
  if (asked.seconds < options.minSE) return { reject: true, minSE: options.minSE };
  // §9: the UAS "MAY reduce its value but MUST NOT set it to a duration lower than the value in
  // the Min-SE header field in the request, if it is present; otherwise 90 seconds".
  const floor = Math.max(request.minSE ?? 90, 90);
  const seconds = Math.max(Math.min(asked.seconds, options.expires), floor);
  // §9: a refresher given in the request is kept; otherwise the UAS chooses, uac only when the
  // UAC supports the extension.
  const refresher = asked.refresher ?? (uacSupports && options.refresher !== "uas" ? "uac" : "uas");
  return { reject: false, interval: { seconds, refresher } };
}

/**
 * The Session-Expires (and Require) fields of a 2xx carrying `interval` (RFC 4028 §9: "If the
 * refresher parameter in the Session-Expires header field in the 2xx response has a value of 'uac',
 * the UAS MUST place a Require header field into the response with the value 'timer'.").
 */
export function timerResponseHeaders(interval: SessionInterval): [string, string][] {
  const se: [string, string] = ["Session-Expires", `${interval.seconds};refresher=${interval.refresher}`];
  return interval.refresher === "uac" ? [se, ["Require", "timer"]] : [se];
}

/**
 * RFC 4028 §7.2: the interval a 2xx gives the UAC, or undefined when it has no Session-Expires
 * ("there is no session expiration"). A 2xx without a refresher parameter leaves the UAC to refresh.
 */
export function intervalFromResponse(response: SipResponse): SessionInterval | undefined {
  const se = response.sessionExpires;
  if (se === undefined || se.seconds === 0) return undefined;
  return { seconds: se.seconds, refresher: se.refresher ?? "uac" };
}

/**
 * When the next session-timer action is due, in ms after the negotiation (RFC 4028 §10): the
 * refresher refreshes at half the interval; the other side sends BYE shortly before the interval
 * ends, "the minimum of 32 seconds and one third of the session interval" before it.
 */
export function timerDelay(interval: SessionInterval, weRefresh: boolean): number {
  const s = interval.seconds;
  return weRefresh ? (s * 1000) / 2 : (s - Math.min(32, s / 3)) * 1000;
}
