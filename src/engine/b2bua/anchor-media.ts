import type { MediaDriver, RtpMediaHandler, RunningRelay } from "../../driver/index.ts";
import type { AudioCodec, RtpRelayCounters } from "../../media/index.ts";
import type { NegotiatedStream } from "../../sdp/index.ts";

/**
 * The media of an anchored bridge: the caller's and the callee's RTP handlers, each negotiating
 * with its own peer on its own ports, and between them either a translator or a transcoder.
 *
 * When both legs send the same codec (encoding name and clock rate) the legs' ports are lent to
 * the driver's RTP relay, an RTP translator (RFC 3550 §7.1): packets pass with their SSRC,
 * sequence numbers and timestamps, decrypted under one leg's SRTP key and encrypted under the
 * other's, payload types renumbered, telephone-event passed through, RTCP forwarded — no jitter
 * buffer, no decoding. When the codecs differ, each leg runs a full RTP session and the PCM one
 * plays out is encoded for the other (a mixer's part, §7.1, without the mixing). Every completed
 * exchange on either leg (re-INVITE or UPDATE: hold, codec change, new address, new keys) chooses
 * again, so a re-offer that changes a leg's codec switches between the two.
 */
export class AnchorMedia {
  readonly caller: RtpMediaHandler;
  readonly callee: RtpMediaHandler;
  readonly #driver: MediaDriver;
  readonly #enabled: boolean;
  #relay: RunningRelay | undefined;
  /** The relay's counters as it stopped (each relay of the call's added), per leg. */
  readonly #done = { caller: zero(), callee: zero() };
  /** Times the legs went from transcoding to relaying. */
  relayStarts = 0;
  /** Called when the relay first starts. */
  readonly #onRelay: (() => void) | undefined;

  constructor(driver: MediaDriver, caller: RtpMediaHandler, callee: RtpMediaHandler, relay: boolean, onRelay?: () => void) {
    this.#driver = driver;
    this.#onRelay = onRelay;
    this.caller = caller;
    this.callee = callee;
    this.#enabled = relay;
    // The anchor by PCM: what each leg plays out is sent on the other, re-encoded for its codec and
    // keyed for its SRTP (or none), both legs at one PCM rate. No frame plays out while relayed.
    caller.onAudio = (f) => callee.writeAudio(f.samples);
    callee.onAudio = (f) => caller.writeAudio(f.samples);
    caller.onNegotiated = () => this.#choose();
    callee.onNegotiated = () => this.#choose();
  }

  /** Whether the legs' media goes through the relay now. */
  get relayed(): boolean {
    return this.#relay !== undefined;
  }

  /**
   * What the relay forwarded of `leg`'s peer over the call (undefined if it never ran): packets
   * and loss from RTP sequence numbers. A relay does not decode, so it has no jitter buffer, no
   * concealment, no round-trip time and no E-model figures to give.
   */
  relayCounters(leg: "caller" | "callee"): RtpRelayCounters | undefined {
    if (this.relayStarts === 0) return undefined;
    const done = this.#done[leg];
    const r = this.#relay;
    return r === undefined ? { ...done } : add(done, r.relay.counters(leg === "caller" ? "a" : "b"));
  }

  // After an exchange on either leg (or a leg's end): relay, transcode, or stop.
  #choose(): void {
    const a = this.caller;
    const b = this.callee;
    const pa = a.pair;
    const pb = b.pair;
    const sa = a.stream;
    const sb = b.stream;
    if (pa === undefined || pb === undefined) {
      // A leg ended: the relay stops; each handler releases its own ports.
      this.#stop();
      return;
    }
    if (this.#enabled && sa !== undefined && sb === undefined && this.#relay === undefined) {
      // The callee has not answered: nothing to pass the caller's packets to yet, and its answer
      // may allow a relay — no session decodes the caller meanwhile.
      a.lend(true);
      return;
    }
    if (this.#enabled && sa !== undefined && sb !== undefined && sameCodec(sa, sb)) {
      if (this.#relay === undefined) {
        a.lend(true);
        b.lend(true);
        this.#relay = this.#driver.relay({ pair: pa, stream: sa }, { pair: pb, stream: sb });
        if (this.relayStarts++ === 0) this.#onRelay?.();
        return;
      }
      const now = this.#driver.runtime.now();
      this.#relay.relay.update("a", sa, now);
      this.#relay.relay.update("b", sb, now);
      return;
    }
    // Different codecs (or a leg without a stream yet): each leg runs its own session.
    this.#stop();
    a.lend(false);
    b.lend(false);
  }

  #stop(): void {
    const r = this.#relay;
    if (r === undefined) return;
    this.#relay = undefined;
    this.#done.caller = add(this.#done.caller, r.relay.counters("a"));
    this.#done.callee = add(this.#done.callee, r.relay.counters("b"));
    this.#driver.stopRelay(r, true);
  }

  /** Stops the relay if it runs (the handlers are closed by their sessions). */
  close(): void {
    this.#stop();
  }
}

/** Whether two legs send the same codec: the first agreed one, by encoding name and clock rate. */
export function sameCodec(a: NegotiatedStream, b: NegotiatedStream): boolean {
  const x = a.codecs[0];
  const y = b.codecs[0];
  return x !== undefined && y !== undefined && x.name.toLowerCase() === y.name.toLowerCase() && x.clockRate === y.clockRate && x.channels === y.channels;
}

/**
 * `codecs` with the one matching `first` (name and clock rate) moved to the front: the callee leg
 * offers the caller's codec first, so that both legs can agree on it and be relayed.
 */
export function preferCodec(codecs: readonly AudioCodec[], first: { readonly name: string; readonly clockRate: number } | undefined): readonly AudioCodec[] {
  if (first === undefined) return codecs;
  const i = codecs.findIndex((c) => c.name.toLowerCase() === first.name.toLowerCase() && c.clockRate === first.clockRate);
  return i <= 0 ? codecs : [codecs[i]!, ...codecs.slice(0, i), ...codecs.slice(i + 1)];
}

function zero(): RtpRelayCounters {
  return {
    rtpForwarded: 0, rtcpForwarded: 0, packetsExpected: 0, packetsLost: 0, unknownPayloadType: 0, notForwarded: 0, unexpectedSource: 0,
    notRtp: 0, malformed: 0, oversized: 0, authFailed: 0, replayed: 0, srtpFailed: 0, rtcpMalformed: 0,
  };
}

function add(x: RtpRelayCounters, y: RtpRelayCounters): RtpRelayCounters {
  const out = { ...x };
  for (const k of Object.keys(out) as (keyof RtpRelayCounters)[]) out[k] += y[k];
  return out;
}
