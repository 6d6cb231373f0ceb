/**
 * The index estimate of RFC 3711 §3.3.1 (Appendix A): from the highest sequence number s_l received
 * and its ROC, the sequence number `seq` of a new packet belongs to ROC - 1, ROC or ROC + 1, whichever
 * puts it closest to s_l. Returns v (the guessed ROC); it is -1 or 2^32 when the guess leaves the
 * 32-bit ROC range, which the caller rejects.
 */
export function guessRoc(sl: number, roc: number, seq: number): number {
  if (sl < 32768) {
    return seq - sl > 32768 ? roc - 1 : roc;
  }
  return sl - 32768 > seq ? roc + 1 : roc;
}

/** Largest ROC (32 bits): ROC * 65536 + SEQ stays below 2^48. */
export const MAX_ROC = 0xffffffff;
/** Largest SRTCP index (31 bits, RFC 3711 §3.4). */
export const MAX_SRTCP_INDEX = 0x7fffffff;
