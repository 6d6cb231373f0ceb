// Values the tokenizer reads on the way so that JS need not parse them for the common accessors: the
// tag of From/To, the branch of the top Via (RFC 3261 §19.3, §8.1.1.7) and the CSeq number (§20.16).
import { at, findAny, isLws, isToken, skipQuoted } from "./bytes";
import { E_AUX_LEN, E_AUX_OFF, INPUT } from "./layout";
import { tset } from "./table";

/** `tag`, lower case. */
export const TAG: usize = memory.data<u8>([0x74, 0x61, 0x67]);
/** `branch`, lower case. */
export const BRANCH: usize = memory.data<u8>([0x62, 0x72, 0x61, 0x6e, 0x63, 0x68]);

/**
 * Finds the generic parameter `name` (lower-case, n bytes) among the header parameters of one
 * name-addr / via value in [p, e): parameters start at the first ";" outside quotes and <>, and the
 * value ends at the first "," outside quotes. Stores offset/length in entry slots aux.
 */
export function findParam(p: usize, e: usize, name: usize, n: u32, entry: u32): void {
  let inParams = false;
  while (p < e) {
    // Jump to the next quote, "<", ";" or "," (inside the parameters "<" is an ordinary character).
    p = inParams ? findAny(p, e, 0x22, 0x3b, 0x2c, 0x3b) : findAny(p, e, 0x22, 0x3c, 0x3b, 0x2c);
    if (p >= e) return;
    const c = at(p);
    if (c == 0x22) {
      p = skipQuoted(p, e);
      continue;
    }
    if (c == 0x2c) return; //                           next value of a list
    if (c == 0x3c) {
      p = findAny(p, e, 0x3e, 0x3e, 0x3e, 0x3e) + 1;
      continue;
    }
    inParams = true;
    p++;
    while (p < e && isLws(at(p))) p++;
    const s = p;
    while (p < e && isToken(at(p))) p++;
    if (<u32>(p - s) == n) {
      let i: u32 = 0;
      while (i < n && (at(s + i) | 0x20) == <u32>load<u8>(name + i)) i++;
      if (i == n) {
        while (p < e && isLws(at(p))) p++;
        if (p < e && at(p) == 0x3d) {
          p++;
          while (p < e && isLws(at(p))) p++;
          const vs = p;
          while (p < e && isToken(at(p))) p++;
          if (p > vs) {
            tset(entry + E_AUX_OFF, <u32>(vs - INPUT));
            tset(entry + E_AUX_LEN, <u32>(p - vs));
          }
        }
        return;
      }
    }
  }
}

/**
 * CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16): stores the number (at most 2^31 - 1, §8.1.1.5) in aux
 * slot 6 and the method's offset in slot 7 (the method runs to the end of the value). Leaves 0/0 when
 * the value is not of that form; the JS side then parses it and reports the error.
 */
export function cseqAux(p: usize, e: usize, entry: u32): void {
  let n: u64 = 0;
  const s = p;
  while (p < e && at(p) - 0x30 < 10) {
    n = n * 10 + <u64>(at(p) - 0x30);
    if (n > 0x7fffffff) return;
    p++;
  }
  if (p == s || p - s > 10 || p >= e || !isLws(at(p))) return;
  while (p < e && isLws(at(p))) p++;
  const m = p;
  while (p < e && isToken(at(p))) p++;
  if (p != e || p == m) return;
  tset(entry + E_AUX_OFF, <u32>n);
  tset(entry + E_AUX_LEN, <u32>(m - INPUT));
}
