import type { NegotiatedCrypto } from "../sdp/index.ts";
import { SDES_SUITES } from "../sdp/index.ts";
import { createSrtpContext, SrtpError } from "../srtp/index.ts";
import type { SrtpContext, SrtpCrypto, SrtpErrorCode } from "../srtp/index.ts";

/**
 * SRTP for one RTP session from SDES keys (RFC 4568): the context that protects what we send
 * (our key) and the one that checks what we receive (the peer's key), made through the SRTP
 * layer with the runtime's native AES whenever the caller hands it over (`crypto`). A
 * renegotiation that changes a key (re-INVITE, RFC 4568 §7.1.4) gets new contexts; the previous
 * receive context stays usable for `graceMs`, so packets the peer sent under its old key before
 * our answer reached it still authenticate. Both sides start a new context from scratch (ROC 0,
 * new replay window), which is what a fresh SRTP context means (RFC 3711 §3.2.3).
 *
 * A key's lifetime (RFC 4568 §6.1, `inline:<key>|2^20`) is "the maximum number of SRTP or SRTCP
 * packets using this master key": packets past the peer's are refused (`LIMIT`) until a
 * renegotiation brings a new key. Ours are offered without one (RFC 3711's own limits apply).
 */

/** What {@link SrtpKeying.apply} did. */
export type SrtpKeyingChange = "unchanged" | "keyed" | "rekeyed" | "cleared";

/** The result of unprotecting a packet: its length, or why it was refused. */
export type SrtpOutcome = number | SrtpErrorCode;

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

function contextFor(suite: NegotiatedCrypto["suite"], keySalt: Uint8Array, crypto: SrtpCrypto | undefined): SrtpContext {
  const k = SDES_SUITES[suite].keyLength;
  return createSrtpContext({
    profile: suite,
    masterKey: keySalt.subarray(0, k),
    masterSalt: keySalt.subarray(k),
    ...(crypto ? { crypto } : {}),
  });
}

/** The SRTP contexts of one RTP session; see the module comment. */
export class SrtpKeying {
  readonly #crypto: SrtpCrypto | undefined;
  readonly #graceMs: number;
  #keys: NegotiatedCrypto | undefined;
  #suite: NegotiatedCrypto["suite"] | undefined;
  #tx: SrtpContext | undefined;
  #rx: SrtpContext | undefined;
  #oldRx: SrtpContext | undefined;
  #oldUntil = 0;
  /** Packets authenticated under the peer's current key, and how many its lifetime allows. */
  #rxUsed = 0;
  #rxLifetime = Infinity;

  constructor(crypto: SrtpCrypto | undefined, graceMs: number) {
    this.#crypto = crypto;
    this.#graceMs = graceMs;
  }

  /** Whether packets are protected. */
  get active(): boolean {
    return this.#tx !== undefined;
  }

  /** The suite in use (or last used, after close), if any. */
  get suite(): NegotiatedCrypto["suite"] | undefined {
    return this.#suite;
  }

  /** Whether the contexts take (or took) keystream from the runtime's native AES. */
  get native(): boolean {
    return this.#suite !== undefined && this.#crypto !== undefined;
  }

  /** Bytes protection adds to an RTP packet (the tag), 0 without SRTP. */
  get rtpOverhead(): number {
    return this.#tx?.rtpOverhead ?? 0;
  }

  /** Bytes protection adds to an RTCP packet (E+index and tag), 0 without SRTP. */
  get rtcpOverhead(): number {
    return this.#tx?.rtcpOverhead ?? 0;
  }

  /** Takes the keys of a (re)negotiation; `undefined` means plain RTP from now on. */
  apply(keys: NegotiatedCrypto | undefined, now: number): SrtpKeyingChange {
    const old = this.#keys;
    if (keys === undefined) {
      if (old === undefined) return "unchanged";
      this.close();
      this.#suite = undefined;
      return "cleared";
    }
    const sameSuite = old !== undefined && old.suite === keys.suite;
    const txSame = sameSuite && sameKey(old.localKey, keys.localKey);
    const rxSame = sameSuite && sameKey(old.remoteKey, keys.remoteKey);
    this.#rxLifetime = keys.remoteLifetime ?? Infinity;
    if (txSame && rxSame) return "unchanged";
    if (!txSame) {
      this.#tx?.close();
      this.#tx = contextFor(keys.suite, keys.localKey, this.#crypto);
    }
    if (!rxSame) {
      // The previous receive context covers packets still in flight under the old key.
      this.#oldRx?.close();
      this.#oldRx = this.#rx;
      this.#oldUntil = now + this.#graceMs;
      this.#rx = contextFor(keys.suite, keys.remoteKey, this.#crypto);
      this.#rxUsed = 0;
    }
    this.#keys = { ...keys, localKey: keys.localKey.slice(), remoteKey: keys.remoteKey.slice() };
    this.#suite = keys.suite;
    return old === undefined ? "keyed" : "rekeyed";
  }

  /**
   * Protects the RTP packet in `buffer[0, length)` in place (the buffer has `rtpOverhead` bytes of
   * room); returns the new length, or a code when the key is used up (RFC 3711 §9.2).
   */
  protectRtp(buffer: Uint8Array, length: number): SrtpOutcome {
    try {
      return this.#tx!.protectRtpInPlace(buffer, length);
    } catch (e) {
      return codeOf(e);
    }
  }

  /** Protects a compound RTCP packet in place (room for `rtcpOverhead`); the new length or a code. */
  protectRtcp(buffer: Uint8Array, length: number): SrtpOutcome {
    try {
      return this.#tx!.protectRtcpInPlace(buffer, length);
    } catch (e) {
      return codeOf(e);
    }
  }

  /**
   * Authenticates and decrypts an SRTP packet in place: the RTP length, or why it was refused
   * (`AUTH_FAILED` for a forgery, `REPLAY` for a replayed packet, ...). Tried under the previous
   * key too while its grace period lasts.
   */
  unprotectRtp(buffer: Uint8Array, length: number, now: number): SrtpOutcome {
    return this.#unprotect(buffer, length, now, false);
  }

  /** {@link SrtpKeying.unprotectRtp} for SRTCP. */
  unprotectRtcp(buffer: Uint8Array, length: number, now: number): SrtpOutcome {
    return this.#unprotect(buffer, length, now, true);
  }

  #unprotect(buffer: Uint8Array, length: number, now: number, rtcp: boolean): SrtpOutcome {
    if (this.#rxUsed >= this.#rxLifetime) {
      // The key's lifetime is used up; the old key's packets may still be in its grace period.
      if (this.#oldRx === undefined || now >= this.#oldUntil) return "LIMIT";
      return tryUnprotect(this.#oldRx, buffer, length, rtcp);
    }
    const r = tryUnprotect(this.#rx!, buffer, length, rtcp);
    if (typeof r === "number") {
      this.#rxUsed++;
      return r;
    }
    if (r !== "AUTH_FAILED" || this.#oldRx === undefined || now >= this.#oldUntil) return r;
    return tryUnprotect(this.#oldRx, buffer, length, rtcp);
  }

  /** When the previous receive context should be dropped, if one is kept. */
  pollTimeout(): number | undefined {
    return this.#oldRx !== undefined ? this.#oldUntil : undefined;
  }

  /** Drops the previous receive context once its grace period is over. */
  handleTimeout(now: number): void {
    if (this.#oldRx !== undefined && now >= this.#oldUntil) {
      this.#oldRx.close();
      this.#oldRx = undefined;
    }
  }

  /** Wipes every key (the suite stays readable). */
  close(): void {
    this.#tx?.close();
    this.#rx?.close();
    this.#oldRx?.close();
    this.#tx = this.#rx = this.#oldRx = undefined;
    this.#keys = undefined;
  }
}

// An authentication failure leaves the buffer as it was (the core works on its own copy), so the
// same bytes can be tried under another key.
function tryUnprotect(ctx: SrtpContext, buffer: Uint8Array, length: number, rtcp: boolean): SrtpOutcome {
  try {
    return rtcp ? ctx.unprotectRtcpInPlace(buffer, length) : ctx.unprotectRtpInPlace(buffer, length);
  } catch (e) {
    return codeOf(e);
  }
}

function codeOf(e: unknown): SrtpErrorCode {
  if (e instanceof SrtpError) return e.code;
  throw e;
}
