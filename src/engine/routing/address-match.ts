/**
 * Source address matching for routing rules: an IPv4 or IPv6 address, or a CIDR prefix (RFC 4632
 * for IPv4, RFC 4291 §2.3 for IPv6), compared as bits. An IPv4-mapped IPv6 source (`::ffff:a.b.c.d`,
 * RFC 4291 §2.5.5.2) matches IPv4 prefixes.
 */

/** A parsed prefix: the address bytes (4 or 16) and how many leading bits must match. */
export interface AddressPrefix {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

function parseV4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseV6(input: string): Uint8Array | undefined {
  let s = input.startsWith("[") && input.endsWith("]") ? input.slice(1, -1) : input;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === "") return [];
    const out: number[] = [];
    const parts = h.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseV4(p);
        if (v4 === undefined) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** The bytes of an IPv4 or IPv6 address literal (an IPv4-mapped IPv6 one as IPv4), or undefined. */
export function parseAddress(s: string): Uint8Array | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return v4;
  const v6 = parseV6(s);
  if (v6 === undefined) return undefined;
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

/** `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `x::/n`; undefined when it is none of these. */
export function parsePrefix(s: string): AddressPrefix | undefined {
  const slash = s.indexOf("/");
  const bytes = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (bytes === undefined) return undefined;
  const max = bytes.length * 8;
  if (slash < 0) return { bytes, bits: max };
  const n = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(n) || Number(n) > max) return undefined;
  return { bytes, bits: Number(n) };
}

/** Whether `address` (bytes from {@link parseAddress}) falls within `prefix`. */
export function inPrefix(address: Uint8Array, prefix: AddressPrefix): boolean {
  if (address.length !== prefix.bytes.length) return false;
  let bits = prefix.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((address[i]! & mask) !== (prefix.bytes[i]! & mask)) return false;
  }
  return true;
}
