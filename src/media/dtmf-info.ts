import { dtmfDigit, dtmfEventCode } from "../codec/index.ts";
import type { ParseResult } from "../errors.ts";
import { MediaError, mediaFailure } from "./errors.ts";
import type { MediaErrorCode } from "./errors.ts";

/**
 * DTMF over SIP INFO, the fallback when telephone events are not negotiated: the body of type
 * `application/dtmf-relay` that most SIP equipment sends (no RFC defines it; it is the format of
 * the Cisco/SIPit convention):
 *
 * ```text
 * Signal=5
 * Duration=160
 * ```
 *
 * Lines end in CRLF (LF accepted); keys are case-insensitive and spaces around `=` are allowed.
 * `Signal` is a DTMF key (`0`-`9`, `*`, `#`, `A`-`D`) or, as some equipment sends, its RFC 4733
 * event code (`10` for `*`, `11` for `#`; `16` is hook flash). `Duration` is in ms.
 */

/** The content type of the body. */
export const DTMF_RELAY_CONTENT_TYPE = "application/dtmf-relay";

/** A parsed `application/dtmf-relay` body. */
export interface DtmfInfo {
  /** The key as a character (`"5"`, `"*"`), or `"flash"` for event 16. */
  readonly signal: string;
  /** Its RFC 4733 event code (0-15, 16 for flash). */
  readonly event: number;
  /** Duration in ms, when the body gives one. */
  readonly durationMs?: number;
}

/** Parses an `application/dtmf-relay` body; failures are values. */
export function tryParseDtmfInfo(body: string): ParseResult<DtmfInfo, MediaErrorCode> {
  let signal: { text: string; at: number } | undefined;
  let duration: { text: string; at: number } | undefined;
  let at = 0;
  for (const raw of body.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const eq = line.indexOf("=");
    if (eq > 0) {
      const key = line.slice(0, eq).trim().toLowerCase();
      const value = { text: line.slice(eq + 1).trim(), at: at + eq + 1 };
      if (key === "signal") signal = value;
      else if (key === "duration") duration = value;
    }
    at += raw.length + 1;
  }
  if (!signal) return mediaFailure("BAD_DTMF_INFO", 0);
  let event = dtmfEventCode(signal.text);
  if (event < 0 && /^\d{1,2}$/.test(signal.text)) event = Number(signal.text);
  if (event < 0 || event > 16) return mediaFailure("BAD_DTMF_INFO", signal.at);
  const out: { signal: string; event: number; durationMs?: number } = { signal: event === 16 ? "flash" : dtmfDigit(event)!, event };
  if (duration) {
    if (!/^\d{1,6}$/.test(duration.text)) return mediaFailure("BAD_DTMF_INFO", duration.at);
    out.durationMs = Number(duration.text);
  }
  return { ok: true, value: out };
}

/** Parses an `application/dtmf-relay` body; throws {@link MediaError} `BAD_DTMF_INFO`. */
export function parseDtmfInfo(body: string): DtmfInfo {
  const r = tryParseDtmfInfo(body);
  if (!r.ok) throw new MediaError(r.code, `dtmf-relay body: bad Signal or Duration at ${r.offset}`, r.offset);
  return r.value;
}

/** Formats an `application/dtmf-relay` body: `Signal=<key>\r\nDuration=<ms>\r\n`. */
export function formatDtmfInfo(info: { readonly signal: string | number; readonly durationMs?: number }): string {
  const event = typeof info.signal === "number" ? info.signal : info.signal.toLowerCase() === "flash" ? 16 : dtmfEventCode(info.signal);
  if (!Number.isInteger(event) || event < 0 || event > 16) throw new MediaError("BAD_OPTION", `not a DTMF signal: ${String(info.signal)}`);
  const d = info.durationMs ?? 250;
  if (!Number.isInteger(d) || d < 0 || d > 999_999) throw new MediaError("BAD_OPTION", "dtmf-relay Duration must be an integer 0..999999 ms");
  return `Signal=${event === 16 ? 16 : dtmfDigit(event)}\r\nDuration=${d}\r\n`;
}
