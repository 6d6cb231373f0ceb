/**
 * Routes RTP and RTCP packets to per-stream handlers by SSRC (RFC 3550 §8: the SSRC identifies a
 * stream within a session). A small map; `route` reads the SSRC straight from the packet bytes
 * without parsing the whole header, so it allocates nothing.
 */
export class SsrcDemuxer<T> {
  readonly #streams = new Map<number, T>();
  /** Packets `route` could not assign (too short, or an SSRC with no stream). */
  unrouted = 0;

  /** Registers (or replaces) the handler of `ssrc`. */
  set(ssrc: number, stream: T): void {
    this.#streams.set(ssrc >>> 0, stream);
  }

  /** The handler of `ssrc`, if any. */
  get(ssrc: number): T | undefined {
    return this.#streams.get(ssrc >>> 0);
  }

  /** Removes `ssrc` (e.g. on RTCP BYE or timeout, §6.3.7). */
  delete(ssrc: number): boolean {
    return this.#streams.delete(ssrc >>> 0);
  }

  /** Number of registered SSRCs. */
  get size(): number {
    return this.#streams.size;
  }

  /** Registered SSRCs. */
  ssrcs(): IterableIterator<number> {
    return this.#streams.keys();
  }

  /**
   * The handler for an RTP packet (SSRC at octets 8..11) or, when `rtcp` is true, an RTCP packet
   * (sender SSRC at octets 4..7 of the first packet of the compound). Undefined, and counted in
   * {@link unrouted}, when the packet is too short or the SSRC is unknown.
   */
  route(bytes: Uint8Array, rtcp = false, offset = 0, length: number = bytes.length - offset): T | undefined {
    const at = offset + (rtcp ? 4 : 8);
    if (offset < 0 || length < (rtcp ? 8 : 12) || offset + length > bytes.length) {
      this.unrouted++;
      return undefined;
    }
    const ssrc = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
    const s = this.#streams.get(ssrc);
    if (s === undefined) this.unrouted++;
    return s;
  }
}
