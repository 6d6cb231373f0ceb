import type { ParseResult } from "../errors.ts";
import { SdpParseError } from "./errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { isRepeat, readBandwidth, readConnection, readOrigin, readTiming, parseUint, splitFields } from "./fields.ts";
import type { SdpTiming } from "./fields.ts";
import { MediaDescription } from "./media-description.ts";
import type { SdpSection } from "./section.ts";
import { SessionDescription } from "./session-description.ts";

/** Bounds on what the parser accepts, so that hostile input costs bounded time and memory. */
export interface SdpLimits {
  /** Characters (or bytes, for byte input). Default 65 536. */
  maxLength: number;
  /** Non-empty lines. Default 2 048. */
  maxLines: number;
  /** m= sections. Default 64. */
  maxMedia: number;
  /** a= lines in the whole description. Default 1 024. */
  maxAttributes: number;
}

/** The parser's default limits: far above a WebRTC offer with simulcast and every ICE candidate. */
export const DEFAULT_SDP_LIMITS: Readonly<SdpLimits> = Object.freeze({
  maxLength: 65_536,
  maxLines: 2_048,
  maxMedia: 64,
  maxAttributes: 1_024,
});

/** Options of {@link parseSdp} and {@link tryParseSdp}. */
export type SdpParseOptions = Partial<SdpLimits>;

const decoder = new TextDecoder("utf-8", { fatal: true });

// RFC 8866 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E.
const TOKEN = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) TOKEN[c] = 1;
for (const c of [0x22, 0x28, 0x29, 0x2c, 0x2f, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d]) TOKEN[c] = 0;

function isToken(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

function fail(code: SdpErrorCode, offset: number): ParseResult<SessionDescription, SdpErrorCode> {
  return { ok: false, code, offset };
}

/**
 * Lines whose value is free text (RFC 8866 §5.3–5.6, §5.12) are kept exactly as written, trailing
 * blanks included (RFC 4317 writes "s= " with one space); every other value loses trailing blanks.
 */
function isTextLine(t: number): boolean {
  return t === 115 /* s */ || t === 105 /* i */ || t === 117 /* u */ || t === 101 /* e */ || t === 112 /* p */ || t === 107 /* k */;
}

/**
 * Parses a session description (RFC 8866 §5) without throwing.
 *
 * Strict where RFC 8866 is: `v=0` first; exactly one o= (six fields, numeric id and version) and
 * one s=; at least one t=; well-formed c=, b=, t=, r=, m= and attribute names; session-only lines
 * (v o s u e p t r z) never inside a media section. Lenient where deployed peers are sloppy: LF-only
 * line ends, a missing final line end, blank lines, trailing blanks, extra spaces between fields,
 * an empty s=, an m= line without formats, and any order of the lines within a section. Lines of
 * an unknown type, and repeats of single-valued lines (a second c=, i=, u=, z= or k=), are kept
 * verbatim in place (`extraLines`). A failure's `offset` is the start of the offending line.
 */
export function tryParseSdp(input: string | Uint8Array, options?: SdpParseOptions): ParseResult<SessionDescription, SdpErrorCode> {
  const maxLength = options?.maxLength ?? DEFAULT_SDP_LIMITS.maxLength;
  if (input.length > maxLength) return fail("TOO_LARGE", 0);
  if (typeof input === "string") return parseText(input, options);
  const text = decode(input);
  return text === undefined ? fail("BAD_ENCODING", 0) : parseText(text, options);
}

function decode(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

const SESSION_ONLY = new Uint8Array(128);
// RFC 8866 §5: v o s u e p t r z belong to the session section, before the first m= line.
for (const c of "vosueptrz") SESSION_ONLY[c.charCodeAt(0)] = 1;

function parseText(text: string, options: SdpParseOptions | undefined): ParseResult<SessionDescription, SdpErrorCode> {
  const maxLines = options?.maxLines ?? DEFAULT_SDP_LIMITS.maxLines;
  const maxMedia = options?.maxMedia ?? DEFAULT_SDP_LIMITS.maxMedia;
  const maxAttributes = options?.maxAttributes ?? DEFAULT_SDP_LIMITS.maxAttributes;
  const len = text.length;
  const sd = new SessionDescription({ username: "-", sessionId: "0", sessionVersion: "0", netType: "IN", addrType: "IP4", address: "0.0.0.0" }, "");
  let section: SdpSection = sd;
  let media: MediaDescription | undefined;
  let pos = 0;
  let lines = 0;
  let attrs = 0;
  let known = 0;
  let seenV = false;
  let seenO = false;
  let seenS = false;
  let timing: SdpTiming | undefined;

  while (pos < len) {
    const start = pos;
    let end = text.indexOf("\n", pos);
    if (end < 0) end = len;
    pos = end + 1;
    let lineEnd = end;
    if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd === start) continue;
    if (++lines > maxLines) return fail("TOO_MANY_LINES", start);
    const type = text.charCodeAt(start);
    if (type < 97 || type > 122 || lineEnd - start < 2 || text.charCodeAt(start + 1) !== 61) return fail("BAD_LINE", start);
    let vEnd = lineEnd;
    if (!isTextLine(type)) {
      while (vEnd > start + 2) {
        const c = text.charCodeAt(vEnd - 1);
        if (c !== 32 && c !== 9) break;
        vEnd--;
      }
    }
    const value = text.slice(start + 2, vEnd);
    if (value.indexOf("\0") >= 0 || value.indexOf("\r") >= 0) return fail("BAD_CHARACTER", start);
    if (!seenV && type !== 118) return fail("BAD_VERSION", start);
    if (media !== undefined && SESSION_ONLY[type] === 1) return fail("MISPLACED_LINE", start);

    switch (type) {
      case 118: // v=
        if (seenV) return fail("DUPLICATE_LINE", start);
        if (value !== "0") return fail("BAD_VERSION", start);
        seenV = true;
        break;
      case 111: {
        // o=
        if (seenO) return fail("DUPLICATE_LINE", start);
        const origin = readOrigin(value);
        if (!origin) return fail("BAD_ORIGIN", start);
        sd.origin = origin;
        seenO = true;
        break;
      }
      case 115: // s=
        if (seenS) return fail("DUPLICATE_LINE", start);
        sd.sessionName = value;
        seenS = true;
        break;
      case 105: // i=
      case 117: // u=
      case 122: // z=
      case 107: // k=
        if (!setSingle(sd, section, type, value)) {
          section.extraLines.push({ type: String.fromCharCode(type), value, at: known });
          continue;
        }
        break;
      case 101: // e=
        sd.emails.push(value);
        break;
      case 112: // p=
        sd.phones.push(value);
        break;
      case 99: {
        // c=
        const c = readConnection(value);
        if (!c) return fail("BAD_CONNECTION", start);
        if (section.connection !== undefined) {
          section.extraLines.push({ type: "c", value, at: known });
          continue;
        }
        section.connection = c;
        break;
      }
      case 98: {
        // b=
        const b = readBandwidth(value);
        if (!b) return fail("BAD_BANDWIDTH", start);
        section.bandwidths.push(b);
        break;
      }
      case 116: {
        // t=
        const t = readTiming(value);
        if (!t) return fail("BAD_TIMING", start);
        sd.timings.push(t);
        timing = t;
        break;
      }
      case 114: // r=
        if (!timing || !isRepeat(value)) return fail("BAD_REPEAT", start);
        timing.repeats.push(value);
        break;
      case 97: {
        // a=
        if (++attrs > maxAttributes) return fail("TOO_MANY_ATTRIBUTES", start);
        const colon = value.indexOf(":");
        if (!isToken(value, 0, colon < 0 ? value.length : colon)) return fail("BAD_ATTRIBUTE", start);
        section.attributes.push(colon < 0 ? { name: value } : { name: value.slice(0, colon), value: value.slice(colon + 1) });
        break;
      }
      case 109: {
        // m=
        if (sd.media.length >= maxMedia) return fail("TOO_MANY_MEDIA", start);
        const m = parseMediaLine(value);
        if (!m) return fail("BAD_MEDIA", start);
        sd.media.push(m);
        section = media = m;
        known = 0;
        break;
      }
      default:
        // RFC 8866 §5 lets a parser ignore unknown types; they are kept so a proxy can pass them on.
        section.extraLines.push({ type: String.fromCharCode(type), value: text.slice(start + 2, lineEnd), at: known });
        continue;
    }
    known++;
  }

  if (lines === 0) return fail("EMPTY", 0);
  if (!seenO || !seenS || sd.timings.length === 0) return fail("MISSING_LINE", len);
  return { ok: true, value: sd };
}

/**
 * Sets a single-valued text line (i= per section, u= and z= per description, k= per section) and
 * returns false when it is already set: RFC 8866 allows one, and a repeat is kept verbatim.
 */
function setSingle(sd: SessionDescription, section: SdpSection, type: number, value: string): boolean {
  switch (type) {
    case 105:
      if (section.information !== undefined) return false;
      section.information = value;
      return true;
    case 117:
      if (sd.uri !== undefined) return false;
      sd.uri = value;
      return true;
    case 122:
      if (sd.timeZones !== undefined) return false;
      sd.timeZones = value;
      return true;
    default:
      if (section.key !== undefined) return false;
      section.key = value;
      return true;
  }
}

/** `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 §5.14). */
function parseMediaLine(value: string): MediaDescription | undefined {
  const f = splitFields(value);
  if (f.length < 3 || f[0]!.length === 0) return undefined;
  const p = f[1]!;
  const slash = p.indexOf("/");
  const port = parseUint(slash < 0 ? p : p.slice(0, slash), 65535);
  if (port < 0) return undefined;
  let count: number | undefined;
  if (slash >= 0) {
    count = parseUint(p.slice(slash + 1), 65535);
    if (count <= 0) return undefined;
  }
  return new MediaDescription(f[0]!, port, f[2]!, f.slice(3), count);
}

function lineOf(text: string, offset: number): { line: number; text: string } {
  let line = 1;
  let from = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    from = i + 1;
  }
  let to = text.indexOf("\n", from);
  if (to < 0) to = text.length;
  return { line, text: text.slice(from, to).replace(/\r$/, "") };
}

const MESSAGES: Record<SdpErrorCode, string> = {
  EMPTY: "empty session description",
  TOO_LARGE: "session description too large",
  TOO_MANY_LINES: "too many lines",
  TOO_MANY_MEDIA: "too many m= sections",
  TOO_MANY_ATTRIBUTES: "too many a= lines",
  BAD_ENCODING: "not UTF-8",
  BAD_CHARACTER: "NUL or stray CR in a line",
  BAD_LINE: "not a <type>=<value> line",
  BAD_VERSION: "the first line must be v=0",
  BAD_ORIGIN: "malformed o= line",
  BAD_CONNECTION: "malformed c= line",
  BAD_BANDWIDTH: "malformed b= line",
  BAD_TIMING: "malformed t= line",
  BAD_REPEAT: "malformed or misplaced r= line",
  BAD_MEDIA: "malformed m= line",
  BAD_ATTRIBUTE: "malformed attribute name",
  MISSING_LINE: "o=, s= or t= line missing",
  DUPLICATE_LINE: "repeated v=, o= or s= line",
  MISPLACED_LINE: "session-level line inside a media section",
  BAD_ATTRIBUTE_VALUE: "malformed attribute value",
};

/** @internal The error for a failure of {@link tryParseSdp}, naming the line. */
export function sdpParseError(input: string, code: SdpErrorCode, offset: number): SdpParseError {
  if (offset >= input.length) return new SdpParseError(code, `SDP: ${MESSAGES[code]}`, offset, 0);
  const { line, text } = lineOf(input, offset);
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return new SdpParseError(code, `SDP line ${line}: ${MESSAGES[code]}: ${JSON.stringify(shown)}`, offset, line);
}

/** Parses a session description (see {@link tryParseSdp}); throws {@link SdpParseError}. */
export function parseSdp(input: string | Uint8Array, options?: SdpParseOptions): SessionDescription {
  if (input.length > (options?.maxLength ?? DEFAULT_SDP_LIMITS.maxLength)) throw sdpParseError("", "TOO_LARGE", 0);
  const text = typeof input === "string" ? input : decode(input);
  if (text === undefined) throw sdpParseError("", "BAD_ENCODING", 0);
  const r = parseText(text, options);
  if (r.ok) return r.value;
  throw sdpParseError(text, r.code, r.offset);
}
