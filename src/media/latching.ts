/**
 * Where a stream's packets may come from and where ours go. Symmetric RTP (RFC 4961) has each
 * side send from the port it receives on, so the source of the peer's packets is where it wants
 * ours. A peer behind a NAT writes its private address in SDP; its packets arrive from the NAT's
 * public mapping instead, and only sending there reaches it. Latching (RFC 7362 §4) therefore
 * takes the source of the first packet that proves itself — parsed and, with SRTP, authenticated
 * — as the peer's address, once per negotiation; after that, packets from anywhere else are
 * counted and dropped (RFC 7362 §5: a latch that follows any source lets a third party hijack
 * the stream). Without latching only the negotiated address is accepted.
 *
 * ```text
 *            first proven packet (from the SDP address, or, with latching, from anywhere)
 *   open ──────────────────────────────────────────────────────────────────▶ latched
 *     ▲                                                                        │
 *     └────────────────────── reset(new negotiated address) ◀──────────────────┘
 * ```
 */

/** A transport address: an IP literal (IPv6 without brackets) and a port. */
export interface MediaAddress {
  readonly host: string;
  readonly port: number;
}

/** The latch's states (see the figure in the module comment). */
export type LatchState = "open" | "latched";

/** How a packet's source relates to the latch. */
export type SourceVerdict = "expected" | "candidate" | "unexpected";

/** Normal form of an IP literal for comparison: lower case, IPv4-mapped IPv6 unwrapped. */
export function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith("::ffff:") && h.includes(".") ? h.slice(7) : h;
}

/** Whether two transport addresses are the same. */
export function sameAddress(a: MediaAddress, b: MediaAddress): boolean {
  return a.port === b.port && (a.host === b.host || normalizeHost(a.host) === normalizeHost(b.host));
}

/** The source filter and latch of one flow (RTP, or RTCP on its own port). */
export class AddressLatch {
  #state: LatchState = "open";
  #target: MediaAddress;
  #latching: boolean;

  /**
   * @param target the negotiated address of the peer (where we send until a latch moves it).
   * @param latching whether a proven packet from another address moves the target there.
   */
  constructor(target: MediaAddress, latching: boolean) {
    this.#target = target;
    this.#latching = latching;
  }

  /** Where packets to the peer go. */
  get target(): MediaAddress {
    return this.#target;
  }

  get state(): LatchState {
    return this.#state;
  }

  /**
   * What to make of a packet from `from`: `expected` (process it), `candidate` (process it, and
   * call {@link AddressLatch.latch} once it proved itself), `unexpected` (drop it).
   */
  check(from: MediaAddress): SourceVerdict {
    if (sameAddress(from, this.#target)) return "expected";
    return this.#state === "open" && this.#latching ? "candidate" : "unexpected";
  }

  /**
   * A packet from `from` proved itself: the latch closes on it. Returns true when that moved the
   * target (a NAT between us and the peer).
   */
  latch(from: MediaAddress): boolean {
    const state = this.#state;
    switch (state) {
      case "open": {
        this.#state = "latched";
        if (sameAddress(from, this.#target)) return false;
        // RFC 7362 §4: the source address of the peer's media is where its media must go.
        this.#target = { host: from.host, port: from.port };
        return true;
      }
      case "latched":
        return false;
      default:
        return assertNever(state);
    }
  }

  /** A new negotiation (re-INVITE, new address): back to open, aimed at `target`. */
  reset(target: MediaAddress, latching: boolean = this.#latching): void {
    this.#target = target;
    this.#latching = latching;
    this.#state = "open";
  }
}

function assertNever(x: never): never {
  throw new Error(`latch: unexpected state ${String(x)}`);
}
