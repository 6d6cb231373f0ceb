import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { parseUint } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/**
 * `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15). `parameters` reads the common
 * `name=value;name=value` form (spaces after `;` allowed); an item without `=` (telephone-event's
 * `0-15`) maps to "". `text` is the parameter text as received, which is what a formatter writes
 * back, so parameters the layer does not understand are never reordered or lost.
 */
export interface SdpFmtp {
  payloadType: number;
  text: string;
  parameters: Record<string, string>;
}

/** @internal Reads an fmtp value for an RTP payload type, or returns undefined when it is malformed. */
export function readFmtp(value: string): SdpFmtp | undefined {
  const sp = value.indexOf(" ");
  const pt = parseUint(sp < 0 ? value : value.slice(0, sp), 127);
  if (pt < 0) return undefined;
  let i = sp + 1;
  while (sp >= 0 && i < value.length && value.charCodeAt(i) === 32) i++;
  const text = sp < 0 ? "" : value.slice(i);
  return { payloadType: pt, text, parameters: parseFormatParameters(text) };
}

/**
 * Parses an `a=fmtp` value (RFC 8866 §6.15). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is
 * malformed.
 */
export const parseFmtp: (value: string) => SdpFmtp = throwingParser(readFmtp, "a=fmtp");

/** {@link parseFmtp} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseFmtp: (value: string) => ParseResult<SdpFmtp, SdpErrorCode> = resultParser(readFmtp);

/** Splits `name=value;name=value` into a record (first value wins; names keep their case). */
export function parseFormatParameters(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 0;
  const n = text.length;
  while (i < n) {
    let j = text.indexOf(";", i);
    if (j < 0) j = n;
    let a = i;
    let b = j;
    while (a < b && text.charCodeAt(a) === 32) a++;
    while (b > a && text.charCodeAt(b - 1) === 32) b--;
    if (b > a) {
      const eq = text.indexOf("=", a);
      const name = eq < 0 || eq > b ? text.slice(a, b) : text.slice(a, eq).trimEnd();
      const val = eq < 0 || eq > b ? "" : text.slice(eq + 1, b).trimStart();
      if (!(name in out)) out[name] = val;
    }
    i = j + 1;
  }
  return out;
}

/** Joins parameters as `name=value;name=value` (a "" value writes the bare name). */
export function formatFormatParameters(params: Record<string, string>): string {
  let s = "";
  for (const k in params) {
    const v = params[k]!;
    s += (s ? ";" : "") + (v === "" ? k : `${k}=${v}`);
  }
  return s;
}

/** Formats an fmtp value from its text. */
export function formatFmtp(f: { payloadType: number; text: string }): string {
  return `${f.payloadType} ${f.text}`;
}

/**
 * @internal The events of a telephone-event fmtp (RFC 4733 §7.1.1: `0-15`, `0-11,16`), as a sorted
 * list of event codes; undefined when the text is malformed. No fmtp means 0–15 (RFC 4733 §7.1.1).
 */
export function readEventList(text: string): number[] | undefined {
  const out: number[] = [];
  let sorted = true;
  let i = 0;
  const n = text.length;
  while (i <= n) {
    let j = text.indexOf(",", i);
    if (j < 0) j = n;
    const part = text.slice(i, j).trim();
    const dash = part.indexOf("-");
    const lo = parseUint(dash < 0 ? part : part.slice(0, dash), 255);
    const hi = dash < 0 ? lo : parseUint(part.slice(dash + 1), 255);
    if (lo < 0 || hi < lo) return undefined;
    if (out.length > 0 && lo <= out[out.length - 1]!) sorted = false;
    for (let e = lo; e <= hi; e++) out.push(e);
    i = j + 1;
  }
  // Lists are written in order almost always; sort and drop repeats only when they are not.
  return sorted ? out : [...new Set(out)].sort((a, b) => a - b);
}

/**
 * Parses a telephone-event `a=fmtp` parameter value (RFC 4733 §7.1.1: `0-15`, `0-11,16`, as sorted
 * event codes). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it is malformed.
 */
export const parseEventList: (value: string) => number[] = throwingParser(readEventList, "telephone-event list");

/** {@link parseEventList} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseEventList: (value: string) => ParseResult<number[], SdpErrorCode> = resultParser(readEventList);

/** Formats event codes as ranges (`0-15`, `0-11,16`). */
export function formatEventList(events: readonly number[]): string {
  let ordered = true;
  for (let i = 1; i < events.length && ordered; i++) ordered = events[i]! > events[i - 1]!;
  const sorted = ordered ? events : [...new Set(events)].sort((a, b) => a - b);
  let s = "";
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    s += (s ? "," : "") + (j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return s;
}
