import type { ParseResult } from "../errors.ts";
import type { SdpErrorCode } from "./errors.ts";
import { parseUint, splitFields } from "./fields.ts";
import { resultParser, throwingParser } from "./value-parser.ts";

/**
 * `a=candidate` (RFC 8839 §5.1):
 * `<foundation> <component-id> <transport> <priority> <connection-address> <port> typ <cand-type>
 * [raddr <rel-addr>] [rport <rel-port>] *(<extension-att-name> <extension-att-value>)`.
 */
export interface SdpCandidate {
  foundation: string;
  component: number;
  transport: string;
  priority: number;
  address: string;
  port: number;
  type: string;
  relatedAddress?: string | undefined;
  relatedPort?: number | undefined;
  /** Extension name/value pairs in order (`generation 0`, `network-id 1`, `tcptype passive`). */
  extensions: [string, string][];
}

/** @internal Reads a candidate value, or returns undefined when it is malformed. */
export function readCandidate(value: string): SdpCandidate | undefined {
  const f = splitFields(value);
  if (f.length < 8 || f[6] !== "typ") return undefined;
  const component = parseUint(f[1]!, 256);
  const priority = parseUint(f[3]!, 0xffffffff);
  const port = parseUint(f[5]!, 65535);
  if (component <= 0 || priority < 0 || port < 0 || f[0]!.length === 0 || f[0]!.length > 32) return undefined;
  const c: SdpCandidate = {
    foundation: f[0]!, component, transport: f[2]!, priority, address: f[4]!, port, type: f[7]!, extensions: [],
  };
  let i = 8;
  if (f[i] === "raddr" && i + 1 < f.length) {
    c.relatedAddress = f[i + 1]!;
    i += 2;
  }
  if (f[i] === "rport" && i + 1 < f.length) {
    const rp = parseUint(f[i + 1]!, 65535);
    if (rp < 0) return undefined;
    c.relatedPort = rp;
    i += 2;
  }
  if ((f.length - i) % 2 !== 0) return undefined;
  for (; i < f.length; i += 2) c.extensions.push([f[i]!, f[i + 1]!]);
  return c;
}

/**
 * Parses an `a=candidate` value (RFC 8839 §5.1). @throws SdpParseError BAD_ATTRIBUTE_VALUE when it
 * is malformed.
 */
export const parseCandidate: (value: string) => SdpCandidate = throwingParser(readCandidate, "a=candidate");

/** {@link parseCandidate} as a result value: `{ ok: false, code, offset: 0 }` when malformed, no Error built. */
export const tryParseCandidate: (value: string) => ParseResult<SdpCandidate, SdpErrorCode> = resultParser(readCandidate);

/** Formats a candidate value. */
export function formatCandidate(c: SdpCandidate): string {
  let s = `${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) s += ` rport ${c.relatedPort}`;
  for (const [k, v] of c.extensions) s += ` ${k} ${v}`;
  return s;
}

/** `a=ice-options` (RFC 8839 §5.6): a space-separated token list (`trickle`, `ice2`). */
export function parseIceOptions(value: string): string[] {
  return splitFields(value);
}
