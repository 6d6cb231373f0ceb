import type { ParseResult } from "../errors.ts";
import { sipParseError } from "./errors.ts";
import type { SipErrorCode } from "./errors.ts";
import { SipRequest } from "./request.ts";
import { SipResponse } from "./response.ts";
import { tokenize, TokenTable } from "./token-table.ts";
import { DEFAULT_SIP_LIMITS } from "./types.ts";
import type { SipLimits } from "./types.ts";

/** Options of {@link parseMessage} and {@link tryParseMessage}. */
export interface ParseOptions {
  /** Limits; missing fields take DEFAULT_SIP_LIMITS. */
  limits?: Partial<SipLimits>;
}

/** @internal Merges partial limits over the defaults. */
export function resolveLimits(l: Partial<SipLimits> | undefined): SipLimits {
  return l === undefined ? DEFAULT_SIP_LIMITS : { ...DEFAULT_SIP_LIMITS, ...l };
}

/**
 * Parses one whole SIP message (RFC 3261 §7) as a result value: a datagram, or a message cut from a
 * stream by SipStreamFramer. The start line and header structure are checked here; header values
 * are parsed when their accessor is first read. When the Content-Length header is absent the body
 * is the rest of the input (datagram rule, §18.3); bytes after Content-Length are ignored.
 *
 * Malformed input gives `{ ok: false, code, offset }` (byte offset) and builds no Error, so a flood
 * of bad datagrams costs little to refuse. The message keeps `data` when it is a Uint8Array (no
 * copy): do not change it afterwards.
 */
export function tryParseMessage(data: Uint8Array | string, opts?: ParseOptions): ParseResult<SipRequest | SipResponse, SipErrorCode> {
  const t = tokenize(data, resolveLimits(opts?.limits));
  if (!(t instanceof TokenTable)) return t;
  return { ok: true, value: t.isRequest ? SipRequest.parsed(t) : SipResponse.parsed(t) };
}

/**
 * {@link tryParseMessage} for callers that treat a malformed message as an exception.
 * @throws SipParseError with the tokenizer's code and byte offset.
 */
export function parseMessage(data: Uint8Array | string, opts?: ParseOptions): SipRequest | SipResponse {
  const t = tokenize(data, resolveLimits(opts?.limits));
  if (!(t instanceof TokenTable)) throw sipParseError(t);
  return t.isRequest ? SipRequest.parsed(t) : SipResponse.parsed(t);
}
