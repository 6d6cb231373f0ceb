/**
 * What arrived on a shared media port, judged from the first octets alone (RFC 7983 §7, which
 * extends RFC 5764 §5.1.2; RFC 5761 §4 separates RTP from RTCP).
 */
export type MediaPacketKind = "stun" | "zrtp" | "dtls" | "turn-channel" | "rtp" | "rtcp" | "unknown";

/**
 * Classifies a datagram received on a port shared by STUN, DTLS, RTP and RTCP.
 *
 * ```text
 *                  +----------------+
 *                  |        [0..3] -+--> forward to STUN
 *                  |      [16..19] -+--> forward to ZRTP
 *    packet -->    |      [20..63] -+--> forward to DTLS
 *                  |      [64..79] -+--> forward to TURN Channel
 *                  |    [128..191] -+--> forward to RTP/RTCP
 *                  +----------------+
 * ```
 *
 * RTP and RTCP are told apart by the second octet (RFC 5761 §4): RTCP packet types 192..223
 * (FIR/NACK history, SR, RR, SDES, BYE, APP, RTPFB, PSFB, XR, ...) fall where an RTP packet would
 * have M = 1 and payload type 64..95, a range RFC 5761 tells RTP not to use when multiplexing.
 * Packets shorter than 2 bytes (or than 1) are "unknown". Allocates nothing; never throws.
 */
export function classifyMediaPacket(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): MediaPacketKind {
  if (length < 1 || offset < 0 || offset + length > bytes.length) return "unknown";
  const b = bytes[offset]!;
  if (b <= 3) return "stun";
  if (b >= 16 && b <= 19) return "zrtp";
  if (b >= 20 && b <= 63) return "dtls";
  if (b >= 64 && b <= 79) return "turn-channel";
  if (b >= 128 && b <= 191) {
    if (length < 2) return "unknown";
    const pt = bytes[offset + 1]!;
    return pt >= 192 && pt <= 223 ? "rtcp" : "rtp";
  }
  return "unknown";
}

/** RFC 5761 §4: whether an RTP payload type collides with RTCP when RTP and RTCP share a port. */
export function isPayloadTypeRtcpConflicting(payloadType: number): boolean {
  return payloadType >= 64 && payloadType <= 95;
}
