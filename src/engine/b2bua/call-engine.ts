import { createDigestClient } from "../../auth/index.ts";
import { SlotMap } from "../../slot-map.ts";
import type { DigestAccount, DigestClient } from "../../auth/index.ts";
import { rtpMediaHandlers } from "../../driver/index.ts";
import { DEFAULT_AUDIO_CODECS } from "../../media/index.ts";
import type { MediaDriver, RtpMediaHandler, RtpMediaOptions, SessionEndpoint } from "../../driver/index.ts";
import type { ChallengeResponder, InviteSession, MediaContext, MediaHandler, SessionBody, SessionEvent } from "../../session/index.ts";
import type { SipRequest, SipResponse } from "../../sip/index.ts";
import type { Flow } from "../../transport/index.ts";
import type { CallService, ServiceCall, ServiceClock } from "../services/index.ts";
import { Bridge, type BridgeHost, type BridgeMedia } from "./bridge.ts";
import { AnchorMedia, preferCodec } from "./anchor-media.ts";
import { dispositionOf } from "./cdr.ts";
import type { CallRecord, CdrEvent, LegMediaRecord } from "./cdr.ts";
import { LegMedia } from "./leg-media.ts";
import { RelayAnswer, RelayOffer } from "./relay-media.ts";

/** What the engine does with an incoming call: the outcome of routing. */
export type CallAction =
  /** Hand the call to a service by name. */
  | { readonly type: "service"; readonly service: string }
  /** Refuse it with a final status (RFC 3261 §21). */
  | { readonly type: "reject"; readonly status: number; readonly reason?: string }
  /** Bridge it (B2BUA) to a new INVITE for `uri`. */
  | {
    readonly type: "bridge";
    /** The callee leg's Request-URI. */
    readonly uri: string;
    /** A pre-loaded route set for the callee leg (an outbound proxy or gateway), first hop first. */
    readonly route?: readonly string[];
    /** Digest credentials the callee leg answers challenges with (a gateway's account). */
    readonly credentials?: DigestAccount | readonly DigestAccount[];
    /** Relay RTP/SRTP through siphon (default: the engine's `anchorMedia`). */
    readonly anchorMedia?: boolean;
    /** Options of the callee leg's RTP media when anchored (e.g. `{ srtp: false }`, `{ srtp: { mandatory: true } }`). */
    readonly calleeMedia?: RtpMediaOptions;
    /** To of the callee leg. Default the caller's To. */
    readonly to?: string;
    /** Header fields to add to the callee leg's INVITE. */
    readonly headers?: readonly [string, string][];
  };

/** The incoming call routing is asked about. */
export interface IncomingCall {
  readonly request: SipRequest;
  /** Where the INVITE came from (the transport's packet source). */
  readonly source: { readonly host: string; readonly port: number; readonly transport: string };
  readonly session: InviteSession<Flow>;
}

/** Options of {@link createCallEngine}. */
export interface CallEngineOptions {
  /** The runtime's clock and timers (the driver's runtime record). */
  readonly clock: ServiceClock;
  /** The media driver whose RTP sessions services and anchored legs run on. */
  readonly media: MediaDriver;
  /**
   * Options of every RTP handler the engine makes (codecs, SRTP, session options). The two legs
   * of an anchored bridge run at one PCM rate (`session.sampleRate`, default 16 000 Hz) so that it
   * passes frames between two codecs as they are; a service's call runs at `session.sampleRate`
   * when it is set, else at its codec's own rate (8 000 Hz for G.711: an echo then neither
   * resamples nor decodes into a rate the codec cannot carry).
   */
  readonly rtp?: RtpMediaOptions;
  /** The services by name. */
  readonly services?: readonly CallService[];
  /** Where each incoming call goes. Undefined (or a promise of it) is 404 Not Found. */
  route(call: IncomingCall): CallAction | undefined | Promise<CallAction | undefined>;
  /** Whether bridges anchor media by default. Default true. */
  readonly anchorMedia?: boolean;
  /**
   * Whether an anchored bridge whose legs send the same codec forwards their packets through the
   * media driver's RTP relay (RFC 3550 §7.1 translator: SRTP keys changed, no decoding) rather
   * than decoding and re-encoding them. Legs with different codecs are always transcoded. Default
   * true.
   */
  readonly relayMedia?: boolean;
  /** CDR events, for the CDR store. */
  onCdr?(event: CdrEvent): void;
  /** Wall-clock milliseconds for CDR times. Default the host's `Date`. */
  readonly wallClock?: () => number;
  /** Most calls at once (services and bridges); the next are answered 503. Default 10 000. */
  readonly maxCalls?: number;
}

/** Counters of the engine. */
export interface CallEngineCounters {
  /** Calls taken (routed to a service or a bridge). */
  calls: number;
  services: number;
  bridges: number;
  answered: number;
  /** Calls refused by routing (a `reject` action, or nothing found). */
  rejected: number;
  /** Calls refused for want of resources (`maxCalls`, media ports). */
  refused: number;
  /** Callee legs that could not be sent (no route, DNS failure). */
  failedLegs: number;
  /** Anchored bridges whose media went through the RTP relay (same codec on both legs) at some time. */
  relayed: number;
}

/**
 * The call engine: what the session side of the server runs — each incoming INVITE routed (a
 * service, a B2BUA bridge, a rejection), its media chosen after routing, CDR events for the
 * store. Wire it to a session endpoint:
 *
 * ```ts
 * const engine = createCallEngine({ clock: runtime, media, services: [echoService()], route: () => ({ type: "service", service: "echo" }) });
 * const sessions = await createSessionEndpoint({ runtime, listen, media: engine.media, authenticator: engine.authenticator,
 *   methods: ["INFO"], onSessionEvent: (e, now) => engine.handleSessionEvent(e, now) });
 * engine.attach(sessions);
 * ```
 */
export interface CallEngine {
  /** The session endpoint's media handler factory. */
  readonly media: (context: MediaContext) => MediaHandler;
  /** Answers challenges to callee legs with the credentials of their route (gateways). */
  readonly authenticator: ChallengeResponder;
  /** The endpoint the callee legs are sent from (required for bridges). */
  attach(endpoint: Pick<SessionEndpoint, "invite" | "respond">): void;
  /** Every session event of the endpoint. */
  handleSessionEvent(event: SessionEvent<Flow>, now: number): void;
  /** Calls in progress. */
  readonly activeCalls: number;
  readonly counters: Readonly<CallEngineCounters>;
  /** The records of the calls in progress. */
  calls(): CallRecord[];
  /** Ends every call (BYE, CANCEL or 503) — for a shutdown. */
  endAll(): void;
}

interface CallEntry {
  record: MutableRecord;
  bridge: Bridge | undefined;
  service: ServiceCall | undefined;
  ends: (() => void)[];
  callerRtp: RtpMediaHandler | undefined;
  calleeRtp: RtpMediaHandler | undefined;
  anchor: AnchorMedia | undefined;
}

type MutableRecord = { -readonly [K in keyof CallRecord]: CallRecord[K] };

/** Creates the call engine; see {@link CallEngine}. */
export function createCallEngine(options: CallEngineOptions): CallEngine {
  return new Engine(options);
}

const DEFAULT_RATE = 16000;

class Engine implements CallEngine, BridgeHost {
  readonly #o: CallEngineOptions;
  readonly #services = new Map<string, CallService>();
  readonly #bySession = new Map<InviteSession<Flow>, CallEntry>();
  /** Handlers of callee legs, made before their INVITE, by Call-ID. */
  readonly #pendingMedia = new SlotMap<MediaHandler>();
  readonly #clients = new Map<string, DigestClient>();
  #endpoint: Pick<SessionEndpoint, "invite" | "respond"> | undefined;
  #nextId = 1;
  #live = 0;
  readonly counters: CallEngineCounters = { calls: 0, services: 0, bridges: 0, answered: 0, rejected: 0, refused: 0, failedLegs: 0, relayed: 0 };
  readonly #rtpOptions: RtpMediaOptions;
  /** The PCM rate of both legs of an anchored bridge. */
  readonly #bridgeRate: number;
  readonly #wall: () => number;
  readonly media: (context: MediaContext) => MediaHandler;
  readonly authenticator: ChallengeResponder;

  constructor(o: CallEngineOptions) {
    this.#o = o;
    for (const s of o.services ?? []) this.#services.set(s.name, s);
    this.#rtpOptions = o.rtp ?? {};
    this.#bridgeRate = o.rtp?.session?.sampleRate ?? DEFAULT_RATE;
    this.#wall = o.wallClock ?? (() => new Date().getTime());
    this.media = (context) => {
      if (context.role === "uac") {
        const pending = this.#pendingMedia.get(context.callId);
        this.#pendingMedia.delete(context.callId);
        if (pending !== undefined && context.forkOf === undefined) return pending;
      }
      return new LegMedia(context);
    };
    this.authenticator = {
      authorize: (request: SipRequest, challenge: SipResponse) => this.#clients.get(request.callId)?.authorize(request, challenge),
      preauthorize: (request: SipRequest) => this.#clients.get(request.callId)?.preauthorize(request) ?? [],
    };
  }

  get activeCalls(): number {
    return this.#live;
  }

  attach(endpoint: Pick<SessionEndpoint, "invite" | "respond">): void {
    this.#endpoint = endpoint;
  }

  now(): number {
    return this.#o.clock.now();
  }

  calls(): CallRecord[] {
    const out = new Set<CallRecord>();
    for (const e of this.#bySession.values()) out.add({ ...e.record });
    return [...out];
  }

  endAll(): void {
    const now = this.now();
    for (const [session] of [...this.#bySession]) {
      if (session.state !== "terminated") session.terminate(now, 503);
    }
  }

  handleSessionEvent(e: SessionEvent<Flow>, now: number): void {
    switch (e.type) {
      case "incoming":
        this.#incoming(e.session, e.request, now);
        return;
      case "request": {
        const entry = e.session === undefined ? undefined : this.#bySession.get(e.session);
        if (entry?.bridge !== undefined) {
          entry.bridge.handle(e, now);
          this.#endpoint?.respond(e, 200);
          return;
        }
        const media = entry?.callerRtp;
        const taken = media?.handleInfo({ contentType: e.request.header("Content-Type") ?? "", body: e.request.body }) ?? false;
        // RFC 6086 §4.2.2: an INFO whose content we do not take is answered 415.
        this.#endpoint?.respond(e, taken ? 200 : 415);
        return;
      }
      case "response":
        return;
      default: {
        const entry = this.#bySession.get(e.session);
        if (entry === undefined) return;
        if (entry.bridge !== undefined) {
          entry.bridge.handle(e, now);
          // Each leg is forgotten with its own end: the callee's may come after the bridge's.
          if (e.type === "terminated") this.#bySession.delete(e.session);
          return;
        }
        if (e.type === "confirmed" && entry.record.answeredAt === undefined) this.#answeredService(entry);
        if (e.type === "terminated") this.#serviceEnded(entry, e.session, e.status, e.by);
      }
    }
  }

  #source(request: SipRequest): IncomingCall["source"] {
    const via = request.topVia;
    const host = via?.received ?? via?.host ?? "";
    const port = typeof via?.rport === "number" ? via.rport : (via?.port ?? 5060);
    return { host, port, transport: via?.transport ?? "UDP" };
  }

  #incoming(session: InviteSession<Flow>, request: SipRequest, now: number): void {
    const leg = session.media;
    if (!(leg instanceof LegMedia)) return;
    if (this.#live >= (this.#o.maxCalls ?? 10_000)) {
      this.counters.refused++;
      session.reject(503, now, { headers: [["Retry-After", "5"]] });
      return;
    }
    const source = this.#source(request);
    const record: MutableRecord = {
      id: `c${this.#nextId++}`,
      callId: request.callId,
      calleeCallId: undefined,
      from: String(request.from.uri),
      to: String(request.to.uri),
      target: undefined,
      source: `${source.transport} ${source.host}:${source.port}`,
      service: undefined,
      anchored: false,
      startedAt: this.#wall(),
      answeredAt: undefined,
      endedAt: undefined,
      status: undefined,
      disposition: undefined,
      endedBy: undefined,
      callerMedia: undefined,
      calleeMedia: undefined,
    };
    let decided: CallAction | undefined | Promise<CallAction | undefined>;
    try {
      decided = this.#o.route({ request, source, session });
    } catch {
      decided = undefined;
    }
    if (decided instanceof Promise) {
      decided.then(
        (a) => this.#act(session, leg, request, record, a),
        () => this.#act(session, leg, request, record, { type: "reject", status: 500 }),
      );
      return;
    }
    this.#act(session, leg, request, record, decided);
  }

  #act(session: InviteSession<Flow>, leg: LegMedia, request: SipRequest, record: MutableRecord, action: CallAction | undefined): void {
    const now = this.now();
    // A CANCEL may have come while routing looked things up.
    if (session.state !== "incoming") {
      leg.close();
      return;
    }
    if (action === undefined) action = { type: "reject", status: 404 };
    switch (action.type) {
      case "reject":
        this.counters.rejected++;
        session.reject(action.status, now, action.reason !== undefined ? { reason: action.reason } : {});
        return;
      case "service": {
        const service = this.#services.get(action.service);
        if (service === undefined) {
          this.counters.rejected++;
          session.reject(404, now, { reason: "No Such Service" });
          return;
        }
        this.#startService(session, leg, request, record, service, now);
        return;
      }
      case "bridge":
        this.#startBridge(session, leg, request, record, action, now);
        return;
    }
  }

  /** An RTP handler; `bridged` for the legs of an anchored bridge, which share one PCM rate. */
  #rtp(context: MediaContext, extra: RtpMediaOptions | undefined, bridged = false): RtpMediaHandler {
    const base = this.#rtpOptions;
    const session = { ...base.session, ...extra?.session };
    const merged: RtpMediaOptions = { ...base, ...extra, session: bridged ? { ...session, sampleRate: this.#bridgeRate } : session };
    return rtpMediaHandlers(this.#o.media, merged)(context) as RtpMediaHandler;
  }

  #track(session: InviteSession<Flow>, entry: CallEntry): void {
    this.#bySession.set(session, entry);
  }

  #startService(session: InviteSession<Flow>, leg: LegMedia, request: SipRequest, record: MutableRecord, service: CallService, now: number): void {
    const rtp = this.#rtp(leg.context, service.media);
    const bound = leg.bind(rtp);
    if (bound !== true) {
      this.counters.refused++;
      session.reject(bound.status ?? 488, now, bound.warning ? { headers: [["Warning", `${bound.warning.code} siphon "${bound.warning.text}"`]] } : {});
      return;
    }
    record.service = service.name;
    record.target = `service:${service.name}`;
    record.anchored = true;
    const entry: CallEntry = { record, bridge: undefined, service: undefined, ends: [], callerRtp: rtp, calleeRtp: undefined, anchor: undefined };
    const call: ServiceCall = {
      session,
      request,
      media: rtp,
      clock: this.#o.clock,
      onEnd: (f) => entry.ends.push(f),
    };
    entry.service = call;
    this.#track(session, entry);
    this.#live++;
    this.counters.calls++;
    this.counters.services++;
    this.#o.onCdr?.({ type: "start", record: { ...record } });
    try {
      service.start(call);
    } catch {
      // A service that throws has failed the call, not the engine.
      if (session.state === "incoming" || session.state === "early") session.reject(500, this.now());
      else if (session.state !== "terminated") session.terminate(this.now());
    }
  }

  #answeredService(entry: CallEntry): void {
    entry.record.answeredAt = this.#wall();
    this.counters.answered++;
    this.#o.onCdr?.({ type: "answer", record: { ...entry.record } });
  }

  #serviceEnded(entry: CallEntry, session: InviteSession<Flow>, status: number | undefined, by: "local" | "remote"): void {
    this.#bySession.delete(session);
    this.#live--;
    const r = entry.record;
    const answered = r.answeredAt !== undefined;
    r.endedAt = this.#wall();
    r.status = answered ? 200 : status;
    r.disposition = dispositionOf(r.status, answered, !answered && by === "remote");
    r.endedBy = answered ? (by === "remote" ? "caller" : "engine") : undefined;
    r.callerMedia = legRecord(entry.callerRtp);
    for (const f of entry.ends.splice(0)) {
      try {
        f();
      } catch {
        // A listener's failure does not keep the others from running.
      }
    }
    this.#o.onCdr?.({ type: "end", record: { ...r } });
  }

  // ------------------------------------------------------------------------------------------ B2BUA

  #startBridge(session: InviteSession<Flow>, leg: LegMedia, request: SipRequest, record: MutableRecord, action: Extract<CallAction, { type: "bridge" }>, now: number): void {
    const endpoint = this.#endpoint;
    if (endpoint === undefined) {
      session.reject(500, now, { reason: "No Endpoint Attached" });
      return;
    }
    const offer = leg.pendingOffer;
    // An offerless INVITE cannot be relayed (the callee's offer would need the caller's answer at
    // once, in the ACK): it is anchored.
    const anchor = (action.anchorMedia ?? this.#o.anchorMedia ?? true) || offer === undefined;
    const calleeCallId = randomCallId();
    let media: BridgeMedia;
    let callerRtp: RtpMediaHandler | undefined;
    let calleeRtp: RtpMediaHandler | undefined;
    let anchorMedia: AnchorMedia | undefined;
    if (anchor) {
      callerRtp = this.#rtp(leg.context, undefined, true);
      calleeRtp = this.#rtp({ role: "uac", callId: calleeCallId }, action.calleeMedia, true);
      anchorMedia = new AnchorMedia(this.#o.media, callerRtp, calleeRtp, this.#o.relayMedia ?? true, () => this.counters.relayed++);
      const bound = leg.bind(callerRtp);
      if (bound !== true) {
        calleeRtp.close();
        this.counters.refused++;
        session.reject(bound.status ?? 488, now);
        return;
      }
      if (calleeRtp.port === undefined) {
        calleeRtp.close();
        this.counters.refused++;
        session.reject(503, now, { reason: "No Media Ports", headers: [["Retry-After", "5"]] });
        return;
      }
      // The callee is offered the caller's codec first: when it takes it, the legs are relayed.
      if (action.calleeMedia?.codecs === undefined && (this.#o.relayMedia ?? true)) {
        const codecs = this.#rtpOptions.codecs ?? this.#o.media.codecs ?? DEFAULT_AUDIO_CODECS;
        calleeRtp.setCodecs(preferCodec(codecs, callerRtp.stream?.codecs[0]));
      }
      media = { kind: "anchored", caller: callerRtp, callee: calleeRtp };
    } else {
      media = { kind: "relay", callee: new RelayOffer(offer!), caller: undefined };
    }
    this.#pendingMedia.set(calleeCallId, media.callee);
    if (action.credentials !== undefined) this.#clients.set(calleeCallId, createDigestClient({ credentials: action.credentials }));
    record.target = action.uri;
    record.calleeCallId = calleeCallId;
    record.anchored = anchor;
    const bridge = new Bridge(record.id, session, leg, media, this);
    const entry: CallEntry = { record, bridge, service: undefined, ends: [], callerRtp, calleeRtp, anchor: anchorMedia };
    this.#track(session, entry);
    this.#live++;
    this.counters.calls++;
    this.counters.bridges++;
    this.#o.onCdr?.({ type: "start", record: { ...record } });
    const from = request.header("From")!.replace(/;\s*tag=[^;>]*/i, "");
    endpoint
      .invite({
        from,
        to: action.to ?? request.header("To")!,
        requestUri: action.uri,
        callId: calleeCallId,
        ...(action.route !== undefined ? { route: action.route } : {}),
        ...(action.headers !== undefined ? { headers: [...action.headers] } : {}),
      })
      .then(
        (callee) => {
          this.#track(callee, entry);
          bridge.calleeStarted(callee);
        },
        () => {
          this.#pendingMedia.delete(calleeCallId);
          this.counters.failedLegs++;
          media.callee.close();
          bridge.calleeFailed(503);
        },
      );
  }

  relayAnswer(_bridge: Bridge, answer: SessionBody): RelayAnswer {
    return new RelayAnswer(answer);
  }

  answered(bridge: Bridge): void {
    const entry = this.#bySession.get(bridge.caller);
    if (entry === undefined) return;
    entry.record.answeredAt = this.#wall();
    this.counters.answered++;
    this.#o.onCdr?.({ type: "answer", record: { ...entry.record } });
  }

  ended(bridge: Bridge, status: number | undefined, by: "caller" | "callee" | "engine"): void {
    const entry = this.#bySession.get(bridge.caller);
    if (entry === undefined) return;
    this.#live--;
    this.#clients.delete(entry.record.calleeCallId ?? "");
    const r = entry.record;
    const answered = r.answeredAt !== undefined;
    r.endedAt = this.#wall();
    r.status = answered ? 200 : status;
    r.disposition = dispositionOf(r.status, answered, !answered && by === "caller");
    r.endedBy = answered ? by : undefined;
    // The relay stops with the first leg's end; its counts are final by the bridge's.
    entry.anchor?.close();
    r.callerMedia = legRecord(entry.callerRtp, entry.anchor, "caller");
    r.calleeMedia = legRecord(entry.calleeRtp, entry.anchor, "callee");
    this.#o.onCdr?.({ type: "end", record: { ...r } });
  }
}

function legRecord(h: RtpMediaHandler | undefined, anchor?: AnchorMedia, leg?: "caller" | "callee"): LegMediaRecord | undefined {
  if (h === undefined) return undefined;
  const s = h.session;
  const stream = h.stream;
  const c = anchor !== undefined && leg !== undefined ? anchor.relayCounters(leg) : undefined;
  return {
    // A leg relayed from the start never ran a session: its codec and suite are the negotiated ones.
    codec: s?.codec ?? stream?.codecs[0]?.name,
    srtp: s?.srtpSuite ?? stream?.crypto?.suite,
    quality: h.quality,
    ...(c !== undefined
      ? {
        relay: {
          packetsForwarded: c.rtpForwarded,
          rtcpForwarded: c.rtcpForwarded,
          packetsExpected: c.packetsExpected,
          packetsLost: c.packetsLost,
          packetsRefused: c.authFailed + c.replayed + c.malformed + c.unknownPayloadType + c.unexpectedSource + c.notRtp + c.oversized + c.srtpFailed,
        },
      }
      : {}),
  };
}

function randomCallId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

