import { parseCSeq, parseFromTo, parseVia } from "../sip/index.ts";

const dec = new TextDecoder("utf-8", { fatal: false });
const enc = new TextEncoder();
/** A request line with any SIP version (RFC 3261 §7.1), so that another version can get its 505. */
const REQUEST_LINE = /^([!%'*+\-.0-9A-Z^_`a-z~]+) \S+ SIP\/(\d+\.\d+)$/i;
/** Header names a response copies (RFC 3261 §8.2.6.2), compact forms included (§7.3.3). */
const COPIED: Record<string, string> = {
  via: "Via",
  v: "Via",
  from: "From",
  f: "From",
  to: "To",
  t: "To",
  "call-id": "Call-ID",
  i: "Call-ID",
  cseq: "CSeq",
};
/** Parser codes that mean "too large for this server" (RFC 3261 §21.4.28: 513 Message Too Large). */
const TOO_LARGE = new Set(["MESSAGE_TOO_LARGE", "HEADER_TOO_LONG", "TOO_MANY_HEADERS"]);

/** Whether a copied header value parses; one that does not is left out of the answer. */
function parses(name: string, value: string): boolean {
  try {
    if (name === "Via") parseVia(value);
    else if (name === "From" || name === "To") parseFromTo(value);
    else if (name === "CSeq") parseCSeq(value);
    else return /^\S+$/.test(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The answer to a request the parser refused, built from its raw text: RFC 3261 §18.3 ("the element
 * SHOULD generate a 400 (Bad Request) response"), 505 (Version Not Supported) for a SIP version other
 * than 2.0 (§21.5.6; RFC 4475 §3.1.2.16 badvers), 513 (Message Too Large) for a message over the size
 * limits (§21.4.28). Via, From, To, Call-ID and CSeq are copied (§8.2.6.2) only when their values
 * parse, and the To gets `toTag`; the parser's reason goes in a Warning (§20.43). Undefined unless
 * the request line and a Via can be read, for ACK (never answered, §17.1.1.3), and for anything
 * that is not a request (a response that does not parse is dropped, RFC 4475 §3.1.2.19).
 */
export function answerUnparsable(data: Uint8Array, code: string, reason: string, toTag: string): Uint8Array | undefined {
  const head = dec.decode(data.subarray(0, Math.min(data.length, 16384)));
  const lines = head.split(/\r?\n/);
  const m = REQUEST_LINE.exec(lines[0] ?? "");
  if (!m || m[1] === "ACK") return undefined;
  const out: string[] = [];
  let vias = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") break;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = COPIED[line.slice(0, colon).trim().toLowerCase()];
    if (name === undefined) continue;
    const value = line.slice(colon + 1).trim();
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value) || !parses(name, value)) continue;
    if (name === "Via") vias++;
    out.push(`${name}: ${name === "To" && !/;\s*tag\s*=/i.test(value) ? `${value};tag=${toTag}` : value}`);
  }
  if (vias === 0) return undefined;
  const status = m[2] !== "2.0" ? "505 Version Not Supported" : TOO_LARGE.has(code) ? "513 Message Too Large" : "400 Bad Request";
  const warning = reason.replace(/[^\x20-\x7e]|["\\]/g, " ").slice(0, 200);
  return enc.encode(`SIP/2.0 ${status}\r\n${out.join("\r\n")}\r\nWarning: 399 siphon "${warning}"\r\nContent-Length: 0\r\n\r\n`);
}
