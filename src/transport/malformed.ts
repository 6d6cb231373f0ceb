import { parseVia } from "../sip/index.ts";

const dec = new TextDecoder("utf-8", { fatal: false });
const REQUEST_LINE = /^([!%'*+\-.0-9A-Z^_`a-z~]+) \S+ SIP\/2\.0$/;
/** Header names a 400 copies (RFC 3261 §8.2.6.2), compact forms included (§7.3.3). */
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

/**
 * A 400 (Bad Request) for a request the parser refused, built from the raw text: RFC 3261 §18.3
 * ("the element SHOULD generate a 400 (Bad Request) response") and §8.2.6 (copy Via, From, To,
 * Call-ID, CSeq). Returns undefined unless the request line and every Via can be read, for ACK (never
 * answered, §17.1.1.3), and for anything that is not a request.
 */
export function badRequestFor(data: Uint8Array, reason: string): Uint8Array | undefined {
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
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return undefined;
    if (name === "Via") {
      try {
        parseVia(value);
      } catch {
        return undefined;
      }
      vias++;
    }
    out.push(`${name}: ${value}`);
  }
  if (vias === 0) return undefined;
  const safeReason = reason.replace(/[^\x20-\x7e]/g, " ").slice(0, 100);
  return new TextEncoder().encode(`SIP/2.0 400 ${safeReason}\r\n${out.join("\r\n")}\r\nContent-Length: 0\r\n\r\n`);
}
