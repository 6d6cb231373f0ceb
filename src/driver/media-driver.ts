import type { AudioCodec, MediaAddress, PcmFrame, RelayLatchedEvent, RelayLeg, RtpRelay, RtpRelayOptions, RtpSession, RtpSessionEvent, RtpSessionOptions } from "../media/index.ts";
import { createRtpRelay, createRtpSession } from "../media/index.ts";
import type { NegotiatedStream } from "../sdp/index.ts";
import type { SrtpCrypto } from "../srtp/index.ts";
import { pooledRandom } from "../random.ts";
import { MediaPortPool } from "./media-ports.ts";
import type { MediaPortOptions, PortPair } from "./media-ports.ts";
import type { DriverRuntime } from "./runtime.ts";

/**
 * Runs RTP sessions (src/media) on a runtime's UDP sockets with one media clock: a single timer
 * ticks every `tickMs` and moves every session whose deadline has come — sending one frame per
 * ptime, playing out one frame, RTCP, timeouts — so a thousand calls cost one timer, not a
 * thousand. Sessions start on the clock's grid, so their packets leave together on its ticks.
 * Datagrams go to their session as they arrive. SRTP always takes the runtime's native AES when the
 * runtime has one. A stream's RTP socket is connected to the peer once its address is proven,
 * where the runtime can connect UDP sockets (Node).
 */

/** What the media driver needs from a runtime (the driver's runtime record, and its SRTP crypto). */
export type MediaRuntime = Pick<DriverRuntime, "now" | "setTimer" | "clearTimer" | "udpBind"> & { readonly srtpCrypto?: SrtpCrypto };

/** Options of {@link createMediaDriver}. */
export interface MediaDriverOptions {
  readonly runtime: MediaRuntime;
  /** Address to bind RTP/RTCP sockets to (IP literal). Default 127.0.0.1. */
  readonly host?: string;
  /** Address to write in SDP when it differs from `host` (0.0.0.0, a static NAT). */
  readonly advertisedHost?: string;
  /** The port range and how many pairs to keep bound ahead. */
  readonly ports?: Omit<MediaPortOptions, "host">;
  /** Codec plugs, in our order of preference. Default the media layer's (Opus, PCMU, PCMA). */
  readonly codecs?: readonly AudioCodec[];
  /** Defaults for every RTP session (latching, RTP timeout, jitter buffer…). */
  readonly session?: Omit<Partial<RtpSessionOptions>, "stream" | "now" | "crypto">;
  /** Period of the media clock, ms. Default 10. */
  readonly tickMs?: number;
  /** A datagram sent more than this after it was due counts as late, ms. Default 20 (one ptime). */
  readonly lateAfterMs?: number;
  /**
   * Connect each stream's RTP socket to the peer once its address is proven, where the runtime
   * can (Node): cheaper sends, and the kernel drops other sources. Default true; false keeps the
   * sockets open to every source, so the sessions count every stray datagram (`unexpectedSource`).
   */
  readonly connectSockets?: boolean;
}

/** What the driver counted. */
export interface MediaDriverStats {
  /** Sessions running now. */
  readonly streams: number;
  /** Relays running now. */
  readonly relays: number;
  readonly ticks: number;
  /** Ticks that fired more than half a tick late. */
  readonly lateTicks: number;
  /** The latest a tick fired, ms. */
  readonly maxLateMs: number;
  /** RTP and RTCP datagrams sent. */
  readonly sent: number;
  /** Datagrams sent more than `lateAfterMs` after they were due. */
  readonly sentLate: number;
  readonly received: number;
}

/** Who a running session reports to: its media handler. */
export interface MediaStreamOwner {
  /** A played-out frame (one per ptime). */
  audio?(frame: PcmFrame): void;
  event(e: RtpSessionEvent): void;
}

/** @internal A session on its ports. */
export interface RunningStream {
  readonly session: RtpSession;
  readonly pair: PortPair;
  readonly owner: MediaStreamOwner;
  /** The peer the RTP socket is connected to, if it is. */
  connected: MediaAddress | undefined;
  /**
   * The session's deadline as the driver last read it (after its last tick or input): the clock
   * skips the stream until then without touching the session's state.
   */
  due: number | undefined;
}

/** One leg of a relay: the port pair and the m= line negotiated with that leg's peer. */
export interface RelayLegSetup {
  readonly pair: PortPair;
  readonly stream: NegotiatedStream;
}

/** Who a running relay reports to. */
export interface MediaRelayOwner {
  event(e: RelayLatchedEvent): void;
}

/** A relay on its two port pairs, made by {@link MediaDriver.relay}. */
export interface RunningRelay {
  readonly relay: RtpRelay;
  readonly a: PortPair;
  readonly b: PortPair;
  /** @internal The peers leg a's and leg b's RTP sockets are connected to, if they are. */
  connectedA: MediaAddress | undefined;
  /** @internal */
  connectedB: MediaAddress | undefined;
}

/** Ticks a stream catches up one by one after a late timer (the session's own limit). */
const MAX_CATCHUP_TICKS = 10;

/** How long a closed stream's ports stay bound, so its BYE leaves and late packets are absorbed. */
const RELEASE_AFTER_MS = 2000;

/** The cooling pairs are released in rounds at most this often (one timer for all of them), ms. */
const RELEASE_ROUND_MS = 100;

/** The media driver; see the module comment and {@link createMediaDriver}. */
export class MediaDriver {
  readonly runtime: MediaRuntime;
  readonly pool: MediaPortPool;
  /** The address SDP gives for our media. */
  readonly advertisedHost: string;
  readonly codecs: readonly AudioCodec[] | undefined;
  readonly sessionDefaults: MediaDriverOptions["session"];
  readonly tickMs: number;
  readonly lateAfterMs: number;
  readonly #connectSockets: boolean;
  /**
   * @internal Random bytes for every call's SSRC, CNAME, sequence number and timestamp, SDP session
   * id and SDES keys: one draw of the cryptographic source per 4 KiB instead of several per call.
   */
  readonly randomBytes: (n: number) => Uint8Array = pooledRandom();
  readonly #streams = new Set<RunningStream>();
  readonly #relays = new Set<RunningRelay>();
  #timer: unknown;
  /** The timer that releases cooled port pairs, while some cool. */
  #coolTimer: unknown;
  #due = 0;
  #deferred = false;
  #closed = false;
  #ticks = 0;
  #lateTicks = 0;
  #maxLate = 0;
  #sent = 0;
  #sentLate = 0;
  #received = 0;

  /** @internal Use {@link createMediaDriver}. */
  constructor(o: MediaDriverOptions) {
    this.runtime = o.runtime;
    const host = o.host ?? "127.0.0.1";
    this.pool = new MediaPortPool(o.runtime, { host, ...o.ports });
    this.advertisedHost = o.advertisedHost ?? host;
    this.codecs = o.codecs;
    this.sessionDefaults = o.session;
    this.tickMs = o.tickMs ?? 10;
    this.lateAfterMs = o.lateAfterMs ?? 20;
    this.#connectSockets = o.connectSockets ?? true;
  }

  get stats(): MediaDriverStats {
    return {
      streams: this.#streams.size,
      relays: this.#relays.size,
      ticks: this.#ticks,
      lateTicks: this.#lateTicks,
      maxLateMs: this.#maxLate,
      sent: this.#sent,
      sentLate: this.#sentLate,
      received: this.#received,
    };
  }

  /** @internal Starts a session for `stream` on `pair`, on the clock's grid. */
  start(pair: PortPair, stream: NegotiatedStream, owner: MediaStreamOwner, options: Partial<RtpSessionOptions> = {}): RunningStream {
    const now = this.runtime.now();
    const crypto = this.runtime.srtpCrypto;
    const session = createRtpSession({
      ...this.sessionDefaults,
      ...(this.codecs ? { codecs: this.codecs } : {}),
      randomBytes: this.randomBytes,
      ...options,
      ...(crypto ? { crypto } : {}),
      stream,
      // The first tick is the clock's next one: every session sends on the same ticks.
      now: this.#timer === undefined ? now : Math.max(now, this.#due),
    });
    const running: RunningStream = { session, pair, owner, connected: undefined, due: session.pollTimeout() };
    pair.sink = {
      rtp: (data, from) => this.#input(running, data, from, false),
      rtcp: (data, from) => this.#input(running, data, from, true),
    };
    this.#streams.add(running);
    if (this.#timer === undefined) this.#arm(now);
    return running;
  }

  /**
   * @internal Stops a stream: its RTCP BYE goes out, its ports are released a little later — or
   * kept, with `keepPorts`, for a relay that takes the stream's place on them.
   */
  stop(running: RunningStream, reason?: string, keepPorts = false): void {
    if (!this.#streams.delete(running)) return;
    const now = this.runtime.now();
    running.session.close(now, reason);
    this.#flush(running, 0, false);
    running.pair.sink = undefined;
    if (running.connected !== undefined && running.pair.rtp.connect !== undefined) running.pair.rtp.connect(undefined);
    if (!keepPorts) this.releaseLater(running.pair);
  }

  /**
   * @internal Releases a port pair a little later (late packets are absorbed meanwhile): it cools
   * in the pool, and one timer releases the pairs that cooled long enough, in rounds.
   */
  releaseLater(pair: PortPair): void {
    const now = this.runtime.now();
    this.pool.cool(pair, now);
    if (this.#coolTimer === undefined && !this.#closed) this.#armCooling(now + RELEASE_AFTER_MS, now);
  }

  #armCooling(at: number, now: number): void {
    this.#coolTimer = this.runtime.setTimer(Math.max(0, at - now), () => {
      const t = this.runtime.now();
      const oldest = this.pool.releaseCooled(t - RELEASE_AFTER_MS);
      this.#coolTimer = undefined;
      if (oldest !== undefined && !this.#closed) this.#armCooling(Math.max(oldest + RELEASE_AFTER_MS, t + RELEASE_ROUND_MS), t);
    });
  }

  /** @internal A port pair for a new stream (see {@link MediaPortPool.take}). */
  takePair(): PortPair | undefined {
    return this.pool.take(this.runtime.now());
  }

  /** @internal Drains a stream's outputs (after an input from the application). */
  flush(running: RunningStream): void {
    this.#flush(running, 0, false);
  }

  /**
   * Starts forwarding between two legs, each on a port pair taken from {@link MediaDriver.pool}
   * and negotiated with its own peer (see src/media's `createRtpRelay`). Datagrams are forwarded
   * as they arrive; the relay needs no media clock.
   */
  relay(a: RelayLegSetup, b: RelayLegSetup, owner?: MediaRelayOwner, options: Omit<Partial<RtpRelayOptions>, "a" | "b" | "now" | "crypto"> = {}): RunningRelay {
    const crypto = this.runtime.srtpCrypto;
    const relay = createRtpRelay({
      ...(this.sessionDefaults?.latching !== undefined ? { latching: this.sessionDefaults.latching } : {}),
      ...options,
      ...(crypto ? { crypto } : {}),
      a: a.stream,
      b: b.stream,
      now: this.runtime.now(),
    });
    const running: RunningRelay = { relay, a: a.pair, b: b.pair, connectedA: undefined, connectedB: undefined };
    const sink = (leg: RelayLeg) => ({
      rtp: (data: Uint8Array, from: MediaAddress) => this.#relayInput(running, leg, data, from, false, owner),
      rtcp: (data: Uint8Array, from: MediaAddress) => this.#relayInput(running, leg, data, from, true, owner),
    });
    a.pair.sink = sink("a");
    b.pair.sink = sink("b");
    this.#relays.add(running);
    return running;
  }

  /**
   * Stops a relay; its port pairs are released a little later (late packets are absorbed), unless
   * `keepPorts` is set: then they stay taken, for RTP sessions that take the relay's place.
   */
  stopRelay(running: RunningRelay, keepPorts = false): void {
    if (!this.#relays.delete(running)) return;
    running.relay.close();
    this.#relayFlush(running, undefined);
    running.a.sink = undefined;
    running.b.sink = undefined;
    for (const [pair, c] of [[running.a, running.connectedA], [running.b, running.connectedB]] as const) {
      if (c !== undefined && pair.rtp.connect !== undefined) pair.rtp.connect(undefined);
    }
    if (keepPorts) return;
    this.releaseLater(running.a);
    this.releaseLater(running.b);
  }

  /** Stops every stream and relay and closes the pool. */
  close(): void {
    this.#closed = true;
    for (const s of [...this.#streams]) this.stop(s, "shutdown");
    for (const r of [...this.#relays]) this.stopRelay(r);
    if (this.#timer !== undefined) this.runtime.clearTimer(this.#timer);
    this.#timer = undefined;
    if (this.#coolTimer !== undefined) this.runtime.clearTimer(this.#coolTimer);
    this.#coolTimer = undefined;
    this.pool.close();
  }

  // An RTP-port datagram waits in its session for the session's next tick (at most a ptime; its
  // arrival time kept): the session's state is then worked on once per tick, not once more per
  // datagram, and the tick flushes what it changed. RTCP-port datagrams are taken at once.
  #input(running: RunningStream, data: Uint8Array, from: MediaAddress, rtcp: boolean): void {
    this.#received++;
    const now = this.runtime.now();
    if (!rtcp) return running.session.deferRtp(data, from, now);
    running.session.handleRtcp(data, from, now);
    this.#flush(running, 0, false);
  }

  #relayInput(running: RunningRelay, leg: RelayLeg, data: Uint8Array, from: MediaAddress, rtcp: boolean, owner: MediaRelayOwner | undefined): void {
    this.#received++;
    const now = this.runtime.now();
    const relay = running.relay;
    if (rtcp) relay.handleRtcp(leg, data, from, now);
    else relay.handleRtp(leg, data, from, now);
    const due = relay.pollTimeout();
    if (due !== undefined && due <= now) relay.handleTimeout(now);
    this.#relayFlush(running, owner);
  }

  #relayFlush(r: RunningRelay, owner: MediaRelayOwner | undefined): void {
    const relay = r.relay;
    for (let t; (t = relay.pollTransmit()); ) {
      const pair = t.leg === "a" ? r.a : r.b;
      const socket = t.rtcp && !relay.rtcpMux(t.leg) ? pair.rtcp : pair.rtp;
      socket.send(t.data, t.to.host, t.to.port);
      this.#sent++;
    }
    for (let e; (e = relay.pollEvent()); ) owner?.event(e);
    if (!this.#connectSockets || relay.state !== "open") return;
    // As for a stream: each leg's RTP socket follows its proven peer.
    this.#connectLeg(r, "a");
    this.#connectLeg(r, "b");
  }

  #connectLeg(r: RunningRelay, leg: RelayLeg): void {
    const pair = leg === "a" ? r.a : r.b;
    if (pair.rtp.connect === undefined) return;
    const relay = r.relay;
    const target = relay.remoteLatched(leg) ? relay.remoteAddress(leg) : undefined;
    const c = leg === "a" ? r.connectedA : r.connectedB;
    if (c === target || (c !== undefined && target !== undefined && c.host === target.host && c.port === target.port)) return;
    if (leg === "a") r.connectedA = target;
    else r.connectedB = target;
    pair.rtp.connect(target);
  }

  #arm(now: number): void {
    if (this.#closed) return;
    this.#due = this.#timer === undefined ? now + this.tickMs : this.#due + this.tickMs;
    // After a stall, start again from now rather than firing a burst of ticks.
    if (now - this.#due > 5 * this.tickMs) this.#due = now + this.tickMs;
    this.#timer = this.runtime.setTimer(Math.max(0, this.#due - now), () => this.#fire());
  }

  // A timer that fires late means the process was held up, and the peers' datagrams of that time
  // wait in the sockets: the runtime hands them over after its timers. The tick then waits one
  // more turn of the event loop, so the playout sees them instead of concealing frames that have
  // arrived (and the echo of an application does not go silent with every stall).
  #fire(): void {
    if (this.runtime.now() - this.#due > this.tickMs / 2 && !this.#deferred) {
      this.#deferred = true;
      this.#timer = this.runtime.setTimer(0, () => this.#fire());
      return;
    }
    this.#deferred = false;
    this.#tick();
  }

  // The media clock: every session whose deadline has come moves, then its outputs go out.
  #tick(): void {
    const now = this.runtime.now();
    const late = now - this.#due;
    this.#ticks++;
    if (late > this.tickMs / 2) this.#lateTicks++;
    if (late > this.#maxLate) this.#maxLate = late;
    for (const s of this.#streams) {
      // The clock ticks twice per 20 ms ptime: a stream not due is passed by on its own record,
      // without reading its session's cold state (a thousand sessions' worth per tick). Its
      // deadline moves only in its ticks and in the inputs the driver flushes, which record it.
      const known = s.due;
      if (known !== undefined && known > now) continue;
      const session = s.session;
      let due = session.pollTimeout();
      if (due === undefined) {
        this.#streams.delete(s);
        continue;
      }
      // One deadline at a time, the outputs drained after each: a frame played out at one tick is
      // in the application's hands (an echo, a bridge, a recorder) before the next tick sends, so a
      // late timer does not leave the send queue empty for the ticks it caught up. Further behind
      // than the session's catch-up limit, the session skips (RTP timestamps jump) instead.
      while (due !== undefined && due <= now) {
        session.handleTimeout(now - due > MAX_CATCHUP_TICKS * session.ptimeMs ? now : due);
        this.#flush(s, now - due, true);
        due = session.pollTimeout();
      }
      s.due = due;
      if (due === undefined) this.#streams.delete(s);
    }
    if (this.#streams.size === 0) {
      this.#timer = undefined;
      return;
    }
    this.#arm(this.runtime.now());
  }

  // `ticking`: called by the clock, which records the deadline itself; any other input may have
  // moved it (a renegotiation, RTCP), so it is read again here.
  #flush(s: RunningStream, lateMs: number, ticking: boolean): void {
    const session = s.session;
    for (let t; (t = session.pollTransmit()); ) {
      const socket = t.rtcp && !session.rtcpMux ? s.pair.rtcp : s.pair.rtp;
      socket.send(t.data, t.to.host, t.to.port);
      this.#sent++;
      if (lateMs > this.lateAfterMs) this.#sentLate++;
    }
    const audio = s.owner.audio;
    for (let f; (f = session.pollAudio()); ) audio?.(f);
    let events = false;
    for (let e; (e = session.pollEvent()); events = true) s.owner.event(e);
    if (!ticking) s.due = session.pollTimeout();
    // A connected socket's peer changes only with a renegotiation (an input from outside the
    // clock) or a latch that moved (an event): on the clock's other ticks the check is skipped.
    if (this.#connectSockets && s.pair.rtp.connect !== undefined && (!ticking || events || s.connected === undefined)) this.#connect(s);
  }

  // Once the peer's RTP address is proven (latched), the RTP socket is connected to it where the
  // runtime can: the kernel then filters other sources (which the session would refuse anyway),
  // and each send skips the runtime's address handling. A new negotiation frees it again, so that
  // packets from a new address can reach the latch.
  #connect(s: RunningStream): void {
    const session = s.session;
    const target = session.state === "open" && session.remoteLatched ? session.remoteAddress : undefined;
    const c = s.connected;
    if (c === target || (c !== undefined && target !== undefined && c.host === target.host && c.port === target.port)) return;
    s.connected = target;
    s.pair.rtp.connect!(target);
  }
}

/** Creates a media driver and binds its first spare port pairs. */
export async function createMediaDriver(options: MediaDriverOptions): Promise<MediaDriver> {
  const d = new MediaDriver(options);
  await d.pool.fill();
  return d;
}
