// Where SRTP/SRTCP processing starts and ends inside a packet: the RTP header length (RFC 3550 §5.1,
// CSRC list and header extension §5.3.1), the encrypted portion, tag and SRTCP index positions
// (RFC 3711 §3.1 and §3.4; RFC 7714 §8 and §9). Every read stays inside [p, p + len).
import {
  ERR_BAD_VERSION, ERR_TOO_LONG, ERR_TOO_SHORT, MAX_PACKET, OP_RTCP_PROTECT, OP_RTP_PROTECT, OP_RTP_UNPROTECT,
  S_GCM, S_RTCPTAG, S_RTPTAG,
} from "./layout";

export { OP_RTCP_PROTECT, OP_RTCP_UNPROTECT, OP_RTP_PROTECT, OP_RTP_UNPROTECT } from "./layout";

// The plan for one packet, set by plan().
/** 0, or a negative error code. */
export let pErr: i32 = 0;
/** Offset and length of the encrypted portion. */
export let pEncOff: i32 = 0;
export let pEncLen: i32 = 0;
/** Offset of the authentication tag (written or read). */
export let pTagOff: i32 = 0;
export let pTagLen: i32 = 0;
/** Offset of the SRTCP E-flag and index word. */
export let pIdxOff: i32 = 0;
/** SRTCP E flag (bit 31) and index. */
export let pIdx: u32 = 0;
/** Length of the packet after the operation. */
export let pOut: i32 = 0;
export let pSsrc: u32 = 0;
export let pSeq: u32 = 0;
/** Keystream blocks this packet needs (AES-CM: payload; GCM: J0 and payload). */
export let pBlocks: i32 = 0;

@inline function be16(p: usize): u32 {
  return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p, 1);
}

@inline export function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

/**
 * Length of the RTP header at p within len bytes, or a negative error.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *    |                           timestamp                           |
 *    |           synchronization source (SSRC) identifier            |
 *    |            contributing source (CSRC) identifiers (CC)        |
 *    |      defined by profile       |           length              |  (if X)
 *    |                        header extension                       |
 */
export function rtpHeaderLen(p: usize, len: i32): i32 {
  if (len < 12) return ERR_TOO_SHORT;
  const b0 = <u32>load<u8>(p);
  if (b0 >> 6 != 2) return ERR_BAD_VERSION;
  let hl = 12 + (<i32>(b0 & 15) << 2);
  if (b0 & 0x10) {
    if (hl + 4 > len) return ERR_TOO_SHORT;
    hl += 4 + (<i32>be16(p + <usize>hl + 2) << 2);
  }
  if (hl > len) return ERR_TOO_SHORT;
  return hl;
}

/** Computes the plan for one packet of `op` under the profile of `slot`. */
export function plan(op: i32, slot: usize, p: usize, len: i32, arg: u32): void {
  const gcm = load<u32>(slot + S_GCM) != 0;
  pErr = 0;
  pBlocks = 0;
  if (len < 0 || len > MAX_PACKET + 32) {
    pErr = ERR_TOO_LONG;
    return;
  }
  if (op == OP_RTP_PROTECT || op == OP_RTP_UNPROTECT) {
    const tag = <i32>load<u32>(slot + S_RTPTAG);
    pTagLen = tag;
    let body = len;
    if (op == OP_RTP_PROTECT) {
      if (len > MAX_PACKET) {
        pErr = ERR_TOO_LONG;
        return;
      }
    } else {
      body = len - tag;
      if (body < 12) {
        pErr = ERR_TOO_SHORT;
        return;
      }
    }
    const hl = rtpHeaderLen(p, body);
    if (hl < 0) {
      pErr = hl;
      return;
    }
    pEncOff = hl;
    pEncLen = body - hl;
    pTagOff = body;
    pOut = op == OP_RTP_PROTECT ? len + tag : body;
    pSsrc = be32(p + 8);
    pSeq = be16(p + 2);
  } else {
    const tag = <i32>load<u32>(slot + S_RTCPTAG);
    pTagLen = tag;
    if (len < 8) {
      pErr = ERR_TOO_SHORT;
      return;
    }
    if (<u32>load<u8>(p) >> 6 != 2) {
      pErr = ERR_BAD_VERSION;
      return;
    }
    pSsrc = be32(p + 4);
    pEncOff = 8;
    if (op == OP_RTCP_PROTECT) {
      if (len > MAX_PACKET) {
        pErr = ERR_TOO_LONG;
        return;
      }
      // RFC 3711 §3.4: this implementation always encrypts SRTCP (E = 1).
      pIdx = (arg & 0x7fffffff) | 0x80000000;
      pEncLen = len - 8;
      if (gcm) {
        // RFC 7714 §9.1: header | ciphertext | tag | E+index.
        pTagOff = len;
        pIdxOff = len + 16;
      } else {
        // RFC 3711 §3.4: header | ciphertext | E+index | tag.
        pIdxOff = len;
        pTagOff = len + 4;
      }
      pOut = len + 4 + tag;
    } else {
      if (len < 8 + 4 + tag) {
        pErr = ERR_TOO_SHORT;
        return;
      }
      if (gcm) {
        pIdxOff = len - 4;
        pTagOff = len - 4 - tag;
        pOut = pTagOff;
      } else {
        pTagOff = len - tag;
        pIdxOff = pTagOff - 4;
        pOut = pIdxOff;
      }
      pIdx = be32(p + <usize>pIdxOff);
      // RFC 3711 §3.4 / RFC 7714 §9: with E = 0 nothing after the header was encrypted.
      pEncLen = pIdx >> 31 ? pOut - 8 : 0;
    }
  }
  pBlocks = (pEncLen + 15) >> 4;
  if (gcm) pBlocks += 1;
}

/** Sets the SSRC and sequence number the counter-block helpers use (SRTP, outside a packet plan). */
export function setRtpIds(ssrc: u32, seq: u32): void {
  pSsrc = ssrc;
  pSeq = seq;
  pIdx = 0;
}
