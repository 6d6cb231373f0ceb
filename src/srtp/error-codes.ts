/**
 * Error codes of the SRTP layer. The first six cross the Wasm boundary negated (assembly/srtp/layout.ts);
 * the others are raised by the TS context. Batch forms report them negated per packet.
 */
export const SrtpErrorCode = {
  /** Shorter than its RTP/RTCP header, CSRC list, extension, SRTCP index or tag claim. */
  TooShort: 1,
  /** Version field is not 2 (RFC 3550 §5.1, §6.4.1). */
  BadVersion: 2,
  /** Authentication tag mismatch (RFC 3711 §3.3 step 5, §3.4; RFC 7714 §8.2, §9.2). */
  AuthFailed: 3,
  /** Larger than the core's packet limit (`srtp_max_packet`). */
  TooLong: 4,
  /** Unknown protection profile. */
  BadProfile: 5,
  /** Master key or salt of the wrong length. */
  BadKey: 6,
  /** Index already seen or older than the replay window (RFC 3711 §3.3.2). */
  Replay: 7,
  /** Packet index space exhausted: 2^48 SRTP / 2^31 SRTCP (RFC 3711 §9.2), or ROC out of range. */
  Limit: 8,
  /** The caller's buffer has no room for the tag (in-place and batch forms). */
  NoRoom: 9,
} as const;

/** One of the {@link SrtpErrorCode} integers. */
export type SrtpErrorCode = (typeof SrtpErrorCode)[keyof typeof SrtpErrorCode];

const NAMES: Record<number, string> = {};
for (const [name, code] of Object.entries(SrtpErrorCode)) NAMES[code] = name;

/** The name of an SRTP error code (`"AuthFailed"`, ...), or `"Unknown"`. */
export function srtpErrorName(code: number): string {
  return NAMES[code] ?? "Unknown";
}
