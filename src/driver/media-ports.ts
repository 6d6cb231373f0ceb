import type { DatagramSocket, DriverRuntime, SocketAddress } from "./runtime.ts";

/**
 * UDP port pairs for RTP and RTCP, bound ahead of need. RFC 3550 §11: RTP on an even port, RTCP on
 * the next (odd) one. An INVITE's media handler must answer synchronously, so pairs are bound in the
 * background and handed out at once; each handed-out pair is replaced by a new one. Ports come from
 * a configurable range, tried in turn, a closed pair's port last (a port busy elsewhere is set aside
 * and tried again after five seconds, so a range used up but for a port someone else holds costs no
 * bind per call). A released pair stays
 * bound and queues behind the ready ones (up to `keep` of them): binding two sockets per call is
 * what limits calls per second. A pair whose call ended first cools ({@link MediaPortPool.cool}):
 * its late packets are absorbed there and cannot land in the next call, and the owner releases the
 * pairs that cooled long enough (the media driver: two seconds). When no pair is ready (the range is
 * used up), the pair that has cooled longest is handed out rather than the call refused, once it
 * has cooled a minimum time.
 */

/** Where a pair's datagrams go once a stream owns it. */
export interface PortPairSink {
  rtp(data: Uint8Array, from: SocketAddress): void;
  rtcp(data: Uint8Array, from: SocketAddress): void;
}

/** An RTP port and its RTCP port, bound. */
export interface PortPair {
  /** The RTP port; RTCP is on `port + 1`. */
  readonly port: number;
  readonly rtp: DatagramSocket;
  readonly rtcp: DatagramSocket;
  /** The stream the datagrams go to; undefined while the pair waits in the pool (they are dropped). */
  sink: PortPairSink | undefined;
}

/** The runtime services the media driver needs (the driver's runtime record has them). */
export type MediaSocketRuntime = Pick<DriverRuntime, "udpBind" | "now">;

/** Binds that may fail in a row before a fill run stops (see `#run`). */
const MAX_FAILURES = 64;

/** The least time a cooling pair is handed out after, when nothing else is left, ms. */
const MIN_COOL_MS = 500;

/** How long a port that could not be bound is left out before it is tried again, ms. */
const BUSY_RETRY_MS = 5000;

/** Options of {@link MediaPortPool}. */
export interface MediaPortOptions {
  /** Bind address (IP literal). */
  readonly host: string;
  /** Lowest port of the range (rounded up to even). Default 20000. */
  readonly minPort?: number;
  /** Highest port of the range. Default 29999. */
  readonly maxPort?: number;
  /** Pairs kept bound and ready. Default 16. */
  readonly spare?: number;
  /** Most released pairs kept bound for the next calls (beyond them, sockets close). Default 1024. */
  readonly keep?: number;
}

/** The pool of bound pairs; see the module comment. */
export class MediaPortPool {
  readonly host: string;
  readonly minPort: number;
  readonly maxPort: number;
  readonly spare: number;
  readonly keep: number;
  readonly #rt: MediaSocketRuntime;
  readonly #ready: PortPair[] = [];
  /** Pairs cooling, oldest first from `#coolHead`, with the time each began to. */
  #cooling: PortPair[] = [];
  #coolSince: number[] = [];
  #coolHead = 0;
  /** Pairs bound, in whatever state (ready, handed out, cooling). */
  #bound = 0;
  readonly #pairs: number;
  /**
   * The pairs' ports not bound, as a queue (a ring): a bind takes the head, a closed pair's port
   * joins the tail, so a port is bound again as late as possible and never while its last close
   * may still be under way.
   */
  readonly #free: Int32Array;
  #freeHead = 0;
  #freeLen = 0;
  /** Ports that could not be bound (busy elsewhere) and when, oldest first; retried later. */
  #busyPorts: number[] = [];
  #busySince: number[] = [];
  #want: number;
  #filling: Promise<void> | undefined;
  /** A run queued behind the one under way, not started yet. */
  #queued: Promise<void> | undefined;
  #closed = false;
  /** Datagrams that arrived on a pair nobody owned (waiting in the pool, or released). */
  unowned = 0;
  /** Ports that could not be bound (busy elsewhere). */
  busy = 0;
  /** Pairs handed out before they had cooled the owner's time, because no other was left. */
  reusedEarly = 0;

  /** @internal The media driver makes its pool. */
  constructor(rt: MediaSocketRuntime, o: MediaPortOptions) {
    this.#rt = rt;
    this.host = o.host;
    this.minPort = (o.minPort ?? 20000) + ((o.minPort ?? 20000) & 1);
    this.maxPort = o.maxPort ?? 29999;
    if (!(this.minPort >= 1024 && this.maxPort <= 65535 && this.maxPort > this.minPort)) throw new RangeError("media ports: need 1024 ≤ min < max ≤ 65535");
    this.spare = o.spare ?? 16;
    this.keep = Math.max(this.spare, o.keep ?? 1024);
    this.#pairs = (this.maxPort - this.minPort + 1) >> 1;
    this.#want = this.spare;
    this.#free = new Int32Array(this.#pairs);
    for (let port = this.minPort; this.#freeLen < this.#pairs; port += 2) this.#free[this.#freeLen++] = port;
  }

  /** Pairs bound and ready to hand out. */
  get ready(): number {
    return this.#ready.length;
  }

  /** Pairs handed out and not yet released (cooling ones included). */
  get inUse(): number {
    return this.#bound - this.#ready.length;
  }

  /** Pairs cooling (see {@link MediaPortPool.cool}). */
  get cooling(): number {
    return this.#cooling.length - this.#coolHead;
  }

  /** Binds pairs until `count` (default `spare`) are ready, or the range has no free pair left. */
  fill(count = this.spare): Promise<void> {
    this.#want = Math.max(this.#want, count);
    // One run at a time; a call during a run queues another (it ends at once when nothing is
    // needed), and at most one is queued: later calls share it, so a pair taken while a run is
    // ending is still replaced.
    if (this.#queued !== undefined) return this.#queued;
    const p: Promise<void> = (this.#filling ?? Promise.resolve()).then(() => {
      if (this.#queued === p) this.#queued = undefined;
      return this.#run();
    });
    this.#queued = p;
    this.#filling = p;
    p.finally(() => {
      if (this.#filling === p) this.#filling = undefined;
    }).catch(() => undefined);
    return p;
  }

  async #run(): Promise<void> {
    // A port busy elsewhere is set aside for BUSY_RETRY_MS. While no pair is ready a run walks
    // every free port (an INVITE finds a pair if one can be bound); with pairs ready it gives up
    // after MAX_FAILURES in a row, and the next take or release starts another from there.
    this.#unpark();
    let failures = 0;
    while (!this.#closed && this.#ready.length < this.#want && this.#freeLen > 0 && (this.#ready.length === 0 || failures < MAX_FAILURES)) {
      const pair = await this.#bindNext();
      if (pair) {
        failures = 0;
        this.#ready.push(pair);
      } else failures++;
    }
    this.#want = this.spare;
  }

  /**
   * A ready pair, at once (undefined when none is ready); a replacement is bound in the background.
   * With `now`, when none is ready (the range is used up, or binding falls behind), the pair
   * cooling longest is taken if it has cooled {@link MIN_COOL_MS} by then.
   */
  take(now?: number): PortPair | undefined {
    let pair = this.#ready.shift();
    if (pair === undefined && now !== undefined && this.#coolHead < this.#cooling.length && this.#coolSince[this.#coolHead]! + MIN_COOL_MS <= now) {
      pair = this.#shiftCooling();
      this.reusedEarly++;
    }
    // A replacement is bound (a run queued behind one under way); none when the range is used up.
    if (!this.#closed && this.#queued === undefined && this.#ready.length < this.spare && this.#canBind()) void this.fill().catch(() => undefined);
    return pair;
  }

  /**
   * A pair whose call ended: it stays bound, taking the late packets of that call (they are
   * dropped and counted in `unowned`), until the owner releases it with {@link MediaPortPool.release}
   * — {@link MediaPortPool.releaseCooled} releases those that began to cool by a time.
   */
  cool(pair: PortPair, now: number): void {
    pair.sink = undefined;
    if (this.#closed) return this.release(pair);
    this.#cooling.push(pair);
    this.#coolSince.push(now);
  }

  /**
   * Releases the pairs that began to cool at or before `since`; returns when the oldest left began
   * to (undefined when none is left).
   */
  releaseCooled(since: number): number | undefined {
    while (this.#coolHead < this.#cooling.length && this.#coolSince[this.#coolHead]! <= since) this.release(this.#shiftCooling());
    return this.#coolHead < this.#cooling.length ? this.#coolSince[this.#coolHead] : undefined;
  }

  #shiftCooling(): PortPair {
    const pair = this.#cooling[this.#coolHead]!;
    this.#cooling[this.#coolHead++] = undefined as unknown as PortPair;
    // The queue's arrays are cut once their taken half is the larger.
    if (this.#coolHead >= 1024 && this.#coolHead * 2 >= this.#cooling.length) {
      this.#cooling = this.#cooling.slice(this.#coolHead);
      this.#coolSince = this.#coolSince.slice(this.#coolHead);
      this.#coolHead = 0;
    }
    return pair;
  }

  /**
   * Gives a pair back: it joins the ready pairs, behind the others, while fewer than `keep` are
   * ready; else its sockets close and its ports return to the range (bound again when needed).
   */
  release(pair: PortPair): void {
    pair.sink = undefined;
    if (!this.#closed && this.#ready.length < this.keep) {
      this.#ready.push(pair);
      return;
    }
    pair.rtp.close();
    pair.rtcp.close();
    this.#bound--;
    this.#pushFree(pair.port);
    if (!this.#closed && this.#queued === undefined && this.#ready.length < this.spare) void this.fill().catch(() => undefined);
  }

  /** Closes every ready and cooling pair; pairs in use are released by their owners. */
  close(): void {
    this.#closed = true;
    for (const p of this.#ready.splice(0)) this.release(p);
    while (this.#coolHead < this.#cooling.length) this.release(this.#shiftCooling());
  }

  /** Whether a fill run could bind anything: a port is free, or one set aside is due again. */
  #canBind(): boolean {
    return this.#freeLen > 0 || (this.#busyPorts.length > 0 && this.#busySince[0]! + BUSY_RETRY_MS <= this.#rt.now());
  }

  /** Ports set aside long enough go back to the free queue. */
  #unpark(): void {
    if (this.#busyPorts.length === 0) return;
    const due = this.#rt.now() - BUSY_RETRY_MS;
    let n = 0;
    while (n < this.#busyPorts.length && this.#busySince[n]! <= due) this.#pushFree(this.#busyPorts[n++]!);
    if (n > 0) {
      this.#busyPorts.splice(0, n);
      this.#busySince.splice(0, n);
    }
  }

  #pushFree(port: number): void {
    this.#free[(this.#freeHead + this.#freeLen++) % this.#pairs] = port;
  }

  #park(port: number): void {
    this.busy++;
    this.#bound--;
    this.#busyPorts.push(port);
    this.#busySince.push(this.#rt.now());
  }

  async #bindNext(): Promise<PortPair | undefined> {
    const port = this.#free[this.#freeHead]!;
    this.#freeHead = (this.#freeHead + 1) % this.#pairs;
    this.#freeLen--;
    this.#bound++;
    const pair: { port: number; rtp?: DatagramSocket; rtcp?: DatagramSocket; sink: PortPairSink | undefined } = { port, sink: undefined };
    const deliver = (rtcp: boolean) => (data: Uint8Array, from: SocketAddress) => {
      const s = pair.sink;
      if (s === undefined) this.unowned++;
      else if (rtcp) s.rtcp(data, from);
      else s.rtp(data, from);
    };
    try {
      pair.rtp = await this.#rt.udpBind({ host: this.host, port }, { onMessage: deliver(false) });
    } catch {
      this.#park(port);
      return undefined;
    }
    try {
      pair.rtcp = await this.#rt.udpBind({ host: this.host, port: port + 1 }, { onMessage: deliver(true) });
    } catch {
      pair.rtp.close();
      this.#park(port);
      return undefined;
    }
    return pair as PortPair;
  }
}
