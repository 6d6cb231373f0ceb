import { createResponse } from "../sip/index.ts";
import type { SipMessage, SipRequest, SipResponse } from "../sip/index.ts";
import type { MediaFailure, SessionBody } from "./media.ts";
import type { ResolvedOptions } from "./options.ts";

/**
 * The header fields that say what this user agent can do, on every request and response that
 * creates or refreshes a dialog (RFC 3261 §13.2.1: "the Allow header field [...] SHOULD be present
 * in the INVITE"; §20.37 Supported; RFC 3262 §3 and RFC 4028 §7.1 list 100rel and timer there).
 */
export function capabilities(o: ResolvedOptions, into: [string, string][]): [string, string][] {
  into.push(["Allow", o.allow]);
  if (o.supported !== "") into.push(["Supported", o.supported]);
  return into;
}

/** The session description a message carries, or undefined when its body is empty. */
export function bodyOf(message: SipMessage): SessionBody | undefined {
  const body = message.body;
  if (body.length === 0) return undefined;
  return { contentType: message.header("Content-Type") ?? "application/sdp", body };
}

/** The session description's text, for comparing a repeated answer with the one already taken. */
export function bodyText(body: SessionBody): string {
  return typeof body.body === "string" ? body.body : new TextDecoder().decode(body.body);
}

/** A Warning value (RFC 3261 §20.43): `warn-code SP warn-agent SP warn-text`. */
export function warning(code: number, text: string): string {
  return `${code} siphon "${text.replace(/["\\\r\n]/g, " ")}"`;
}

/** A response of the session: To tag, extra fields, and a session description when given. */
export function sessionResponse(
  request: SipRequest,
  status: number,
  toTag: string,
  headers: [string, string][],
  body?: SessionBody,
  reason?: string,
): SipResponse {
  return createResponse(request, status, reason, {
    toTag,
    headers,
    ...(body !== undefined ? { body: body.body, contentType: body.contentType } : {}),
  });
}

/**
 * The answer to an offer the media handler refused (RFC 3261 §13.3.1.3: 488 Not Acceptable Here,
 * "SHOULD include a Warning header field with a warning code"; §21.4.26).
 */
export function refusal(request: SipRequest, failure: MediaFailure, toTag: string): SipResponse {
  const headers: [string, string][] = [];
  if (failure.warning !== undefined) headers.push(["Warning", warning(failure.warning.code, failure.warning.text)]);
  else headers.push(["Warning", warning(399, failure.reason)]);
  return createResponse(request, failure.status ?? 488, undefined, { toTag, headers });
}
