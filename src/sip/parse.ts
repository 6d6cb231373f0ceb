import type { SipParseError } from "./errors.ts";
import { messageFromTokens, type SipRequest, type SipResponse } from "./message.ts";
import { tokenize } from "./tokenizer.ts";
import { DEFAULT_SIP_LIMITS, type SipLimits } from "./types.ts";

/** Options of parseMessage. */
export interface ParseOptions {
  /** Limits; missing fields take DEFAULT_SIP_LIMITS. */
  limits?: Partial<SipLimits>;
}

/** Result of tryParseMessage. */
export type ParseResult = { ok: true; message: SipRequest | SipResponse } | { ok: false; error: SipParseError };

/** @internal Merges partial limits over the defaults. */
export function resolveLimits(l: Partial<SipLimits> | undefined): SipLimits {
  return l === undefined ? DEFAULT_SIP_LIMITS : { ...DEFAULT_SIP_LIMITS, ...l };
}

/**
 * Parses one whole SIP message (RFC 3261 §7): a datagram, or a message cut from a stream by
 * SipStreamFramer. The start line and header structure are checked here; header values are parsed
 * when their accessor is first read. When the Content-Length header is absent the body is the rest
 * of the input (datagram rule, §18.3); bytes after Content-Length are ignored.
 *
 * The returned message keeps `data` when it is a Uint8Array (no copy): do not change it afterwards.
 * @throws SipParseError with the tokenizer's code and byte offset.
 */
export function parseMessage(data: Uint8Array | string, opts?: ParseOptions): SipRequest | SipResponse {
  const t = tokenize(data, resolveLimits(opts?.limits));
  if (!("tok" in t)) throw t;
  return messageFromTokens(t);
}

/** parseMessage as a result value: never throws for malformed input. */
export function tryParseMessage(data: Uint8Array | string, opts?: ParseOptions): ParseResult {
  const t = tokenize(data, resolveLimits(opts?.limits));
  if (!("tok" in t)) return { ok: false, error: t };
  return { ok: true, message: messageFromTokens(t) };
}
