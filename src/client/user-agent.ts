import { createDigestClient } from "../auth/index.ts";
import type { DigestClient } from "../auth/index.ts";
import { createMediaDriver, createSessionEndpoint, rtpMediaHandlers } from "../driver/index.ts";
import type { ListenOptions, MediaDriver, PublicAddress, RtpMediaHandler, RtpMediaOptions, SessionEndpoint, TlsServerOptions } from "../driver/index.ts";
import { G722, OPUS, PCMA, PCMU } from "../media/index.ts";
import type { AudioCodec } from "../media/index.ts";
import type { ChallengeResponder, InviteSession, MediaHandlerFactory, OutgoingRequestInit, SessionEvent } from "../session/index.ts";
import { tryParseUri } from "../sip/index.ts";
import type { SipRequest, SipResponse, SipUri } from "../sip/index.ts";
import { bracket } from "../transport/index.ts";
import type { Flow, TransportProtocol } from "../transport/index.ts";
import { AsyncQueue } from "./async-queue.ts";
import { Call, callFailure } from "./call.ts";
import type { CallHost } from "./call.ts";
import { Emitter } from "./emitter.ts";
import { ClientError } from "./errors.ts";
import { IncomingCall } from "./incoming.ts";
import type { IncomingHost } from "./incoming.ts";
import { Registration } from "./registration.ts";
import type { RegistrationHost, RegistrationInfo, RegistrationState } from "./registration.ts";
import { detectedRuntime } from "./runtime.ts";
import type { UserAgentRuntime } from "./runtime.ts";
import { discoverPublicAddress } from "./stun.ts";
import { waitUntil } from "./wait.ts";
import type { WaitOptions } from "./wait.ts";

/** A codec by name, or a codec plug of siphon/media. */
export type CodecChoice = "opus" | "g722" | "pcmu" | "pcma" | AudioCodec;

/** The media of a call. */
export interface CallMediaOptions {
  /** Codecs to offer and accept, in our order of preference. Default opus, g722, pcmu, pcma. */
  readonly codecs?: readonly CodecChoice[];
  /**
   * SDES-SRTP (RFC 4568): `"optional"` (default: offer RTP/AVP with keys, encrypt when the answer
   * has them; answer SRTP offers with SRTP), `"mandatory"` (RTP/SAVP only: a call without SRTP
   * fails), `false` (plain RTP only).
   */
  readonly srtp?: "optional" | "mandatory" | false;
}

/** A listening point of the user agent. */
export interface UserAgentTransport {
  readonly transport: TransportProtocol;
  /** Bind address; default the user agent's `host`. */
  readonly host?: string;
  /** Port; default 0 (any free one). */
  readonly port?: number;
  /** Certificate and key (PEM) for TLS and WSS listening points. */
  readonly tls?: TlsServerOptions;
}

/** Credentials for digest authentication (RFC 3261 §22, RFC 7616). */
export interface UserAgentCredentials {
  readonly username: string;
  readonly password: string;
  /** The realm they are for; default any. */
  readonly realm?: string;
}

/** An account: an address of record, its credentials and its registrar. */
export interface AccountOptions {
  /** The address of record, `sip:alice@example.com` (`alice@example.com` is taken too). */
  readonly aor: string;
  readonly displayName?: string;
  readonly credentials?: UserAgentCredentials;
  /** The registrar's URI; default the AOR's domain (RFC 3261 §10.2.6). */
  readonly registrar?: string;
  /** Registration expiry to ask for, s. Default 600. */
  readonly expires?: number;
}

/** Options of {@link createUserAgent}. */
export interface UserAgentOptions extends Partial<AccountOptions> {
  /** The runtime record; default the running runtime's (Node, Deno or Bun), detected. */
  readonly runtime?: UserAgentRuntime;
  /** Listening points: protocols or full descriptions. Default `["UDP"]`. */
  readonly transports?: readonly (TransportProtocol | UserAgentTransport)[];
  /** The address to bind SIP and RTP to (an IP literal). Default 127.0.0.1. */
  readonly host?: string;
  /** Every request outside a dialog goes through this proxy (a pre-loaded Route, RFC 3261 §8.1.2). */
  readonly outboundProxy?: string;
  /**
   * The address the peers should reach us at (NAT, a static mapping): written in Via, Contact and
   * SDP instead of the bound one.
   */
  readonly publicAddress?: PublicAddress;
  /** Learn the public address with a STUN binding request (RFC 8489) to this server (`host:port`) before starting. */
  readonly stunServer?: string;
  /** Media defaults of every call. */
  readonly media?: CallMediaOptions & {
    /** RTP port range. Default 20000-29999. */
    readonly ports?: { readonly min: number; readonly max: number };
    /** Fixed PCM rate of the audio API (resampled as needed). Default: the codec's rate. */
    readonly sampleRate?: number;
  };
  /** Hang up a call whose peer sends no RTP for this long, ms (the peer vanished). Default 30000; 0 never. */
  readonly mediaTimeoutMs?: number;
  /** User-Agent header text. Default `siphon`. */
  readonly userAgent?: string;
  /** Reject an incoming call nobody answered after this long, ms (480). Default 120000. */
  readonly incomingTimeoutMs?: number;
  /** Longest wait for a final response to a re-INVITE, BYE or REGISTER, ms. Default 32000 (64*T1). */
  readonly requestTimeoutMs?: number;
}

/** Options of {@link UserAgent.call}. */
export interface CallOptions extends WaitOptions {
  /** The call's media (default: the user agent's). */
  readonly media?: CallMediaOptions;
  /** Further header fields of the INVITE. */
  readonly headers?: readonly [string, string][];
  /**
   * Called with the call when early media starts (a 183 with SDP, RFC 3261 §13.2.1): play to it
   * or read from it before the answer.
   */
  readonly earlyMedia?: (call: Call) => void;
  /**
   * More than one 2xx to a forked INVITE (RFC 3261 §13.2.2.4): `first` (default) keeps the first
   * answer and ends the others (ACK, BYE); `all` keeps each as a call of its own (a `forked` event
   * of the first call).
   */
  readonly forking?: "first" | "all";
  /** The account calling (its AOR in From, its credentials); default the first. */
  readonly from?: Account;
}

/** The events of a {@link UserAgent}. */
export interface UserAgentEvents {
  /** A new incoming call (also given by `incoming()`). */
  incoming: { readonly call: IncomingCall };
  /** A registration changed state. */
  registration: { readonly account: Account; readonly state: RegistrationState; readonly error?: ClientError };
  /** A MESSAGE (RFC 3428) arrived, answered 200. */
  message: { readonly from: string; readonly contentType: string; readonly body: string };
}

/** An address of record of the user agent with its registration. */
export interface Account {
  readonly aor: string;
  readonly displayName: string | undefined;
  readonly registration: Registration;
}

/** What the user agent is: see {@link createUserAgent}. */
export interface UserAgent {
  /** The runtime it runs on. */
  readonly runtime: UserAgentRuntime;
  /** Its accounts; the first is the default. */
  readonly accounts: readonly Account[];
  /** The live calls. */
  readonly calls: readonly Call[];
  /** The address peers reach us at (the public one when set or learned). */
  readonly address: { readonly host: string; readonly port: number; readonly transport: TransportProtocol };
  /** The public address in use, if any. */
  readonly publicAddress: PublicAddress | undefined;
  /** The session endpoint underneath (siphon/driver), for what this API does not cover. */
  readonly endpoint: SessionEndpoint;
  /** Adds an account (several accounts share the transports and the media). */
  addAccount(options: AccountOptions): Account;
  /** Registers the default account (see {@link Registration.register}). */
  register(options?: WaitOptions): Promise<RegistrationInfo>;
  /** Unregisters the default account. */
  unregister(options?: WaitOptions): Promise<void>;
  /**
   * Calls `target` (a SIP URI, `user@host`, or a user of the default account's domain): resolves
   * with the {@link Call} when answered; rejects with a {@link ClientError} — REJECTED with the
   * status and reason, CANCELLED, TIMEOUT (default 180 s), NO_ROUTE, AUTH_FAILED, MEDIA, or
   * ABORTED when `signal` fires (the INVITE is then CANCELled, RFC 3261 §9.1).
   */
  call(target: string, options?: CallOptions): Promise<Call>;
  /** The incoming calls, as they come; the iteration ends when the user agent closes. */
  incoming(): AsyncIterableIterator<IncomingCall>;
  /** A SIP ping (OPTIONS, RFC 3261 §11): the status and the round-trip time. */
  options(target: string, options?: WaitOptions): Promise<{ readonly status: number; readonly reason: string; readonly rttMs: number }>;
  /** Listens for `type` events; returns the function that stops listening. */
  on<K extends keyof UserAgentEvents>(type: K, listener: (event: UserAgentEvents[K]) => void): () => void;
  /** Sets (or clears) the public address written in Contact from now on (Via and SDP keep the start's). */
  setPublicAddress(address: PublicAddress | undefined): void;
  /** Hangs up every call, unregisters every account, closes sockets. Waits at most `timeoutMs` (default 5000) for the peers. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

const CODECS: Record<string, AudioCodec> = { opus: OPUS, g722: G722, pcmu: PCMU, pcma: PCMA };

function codecList(choices: readonly CodecChoice[] | undefined): readonly AudioCodec[] {
  return (choices ?? ["opus", "g722", "pcmu", "pcma"]).map((c) => {
    if (typeof c !== "string") return c;
    const codec = CODECS[c.toLowerCase()];
    if (codec === undefined) throw new ClientError("BAD_ARGUMENT", `unknown codec ${c} (opus, g722, pcmu, pcma)`);
    return codec;
  });
}

/** `sip:` URI text from what a user types: a SIP URI, `user@host`, or a user name of `domain` (a host, with its port when it has one: `example.com:5070`). */
export function targetUri(target: string, domain: string | undefined): string {
  let text = target.trim();
  if (!/^sips?:/i.test(text)) {
    if (!text.includes("@") && domain !== undefined && !/^[\d.]+(:\d+)?$/.test(text) && !text.includes(":")) text = `${text}@${domain}`;
    text = `sip:${text}`;
  }
  const r = tryParseUri(text);
  if (!r.ok || !("host" in r.value)) throw new ClientError("BAD_ARGUMENT", `not a SIP URI: ${JSON.stringify(target)}`);
  return text;
}

function parsedSip(text: string): SipUri {
  const r = tryParseUri(text);
  if (!r.ok || !("host" in r.value)) throw new ClientError("BAD_ARGUMENT", `not a SIP URI: ${JSON.stringify(text)}`);
  return r.value as SipUri;
}

/**
 * The domain a bare user name is called at: the AOR's host and port (`sip:alice@10.0.0.2:5070`
 * gives `10.0.0.2:5070`), since a port in the AOR is where its registrar and proxy listen.
 */
function accountDomain(aor: string): string {
  const u = parsedSip(aor);
  return `${bracket(u.host)}${u.port !== undefined ? `:${u.port}` : ""}`;
}

function randomHex(rt: UserAgentRuntime, n: number): string {
  return Array.from(rt.randomBytes(n), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** An RFC 4122 version 4 UUID URN for `+sip.instance` (RFC 5626 §4.1). */
function instanceUrn(rt: UserAgentRuntime): string {
  const b = rt.randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A SIP user agent: accounts that register, outgoing and incoming calls with real RTP audio
 * (G.711, G.722, Opus; SDES-SRTP; RFC 4733 DTMF), on shared transports, on any of Node, Deno or Bun (the same code).
 *
 * ```ts
 * const ua = await createUserAgent({ aor: "sip:alice@example.com", credentials: { username: "alice", password: "secret" } });
 * await ua.register();
 * const call = await ua.call("bob");
 * await call.audio.playTone(440, { durationMs: 2000 });
 * await call.hangup();
 * await ua.close();
 * ```
 */
export async function createUserAgent(options: UserAgentOptions = {}): Promise<UserAgent> {
  const rt = options.runtime ?? (await detectedRuntime());
  const host = options.host ?? "127.0.0.1";
  const transports: UserAgentTransport[] = (options.transports ?? ["UDP"]).map((t) => (typeof t === "string" ? { transport: t } : t));
  if (transports.length === 0) throw new ClientError("BAD_ARGUMENT", "createUserAgent: no transport");
  let publicAddress = options.publicAddress;
  if (publicAddress === undefined && options.stunServer !== undefined) {
    const mapped = await discoverPublicAddress(rt, options.stunServer, { host });
    publicAddress = { host: mapped.host };
  }
  const wildcard = host === "0.0.0.0" || host === "::";
  const advertised = publicAddress?.host ?? (wildcard ? undefined : host);
  if (advertised === undefined) throw new ClientError("BAD_ARGUMENT", "createUserAgent: a wildcard host needs publicAddress (or stunServer) for Via, Contact and SDP");
  const requestTimeoutMs = options.requestTimeoutMs ?? 32_000;
  const mediaDefaults = options.media ?? {};
  const ports = mediaDefaults.ports ?? { min: 20000, max: 29999 };

  const media = await createMediaDriver({
    runtime: rt,
    host,
    advertisedHost: advertised,
    ports: { minPort: ports.min, maxPort: ports.max, spare: 4 },
    // Symmetric RTP (RFC 4961) and latching onto where the peer's packets come from (RFC 7362).
    session: { latching: true, rtpTimeoutMs: options.mediaTimeoutMs === 0 ? 0 : (options.mediaTimeoutMs ?? 30_000), ...(mediaDefaults.sampleRate !== undefined ? { sampleRate: mediaDefaults.sampleRate } : {}) },
  });

  const handlerOptions = (m: CallMediaOptions): RtpMediaOptions => ({
    codecs: codecList(m.codecs ?? mediaDefaults.codecs),
    srtp: (m.srtp ?? mediaDefaults.srtp ?? "optional") === false ? false : (m.srtp ?? mediaDefaults.srtp) === "mandatory" ? { mandatory: true } : {},
  });
  const defaultHandlers = rtpMediaHandlers(media, handlerOptions({}));
  const outgoingMedia = new Map<string, MediaHandlerFactory>();
  const mediaFactory: MediaHandlerFactory = (ctx) => (ctx.role === "uac" ? (outgoingMedia.get(ctx.callId) ?? defaultHandlers) : defaultHandlers)(ctx);

  // Digest: one client per account, chosen by the request's From (several accounts, one core).
  const digest = new Map<string, DigestClient>();
  const accounts: Account[] = [];
  const authenticator: ChallengeResponder = {
    authorize: (request, challenge) => clientFor(request)?.authorize(request, challenge),
    preauthorize: (request) => clientFor(request)?.preauthorize(request) ?? [],
  };
  function clientFor(request: SipRequest): DigestClient | undefined {
    const from = request.header("From") ?? "";
    for (const [aor, client] of digest) if (from.includes(aor)) return client;
    return accounts[0] === undefined ? undefined : digest.get(accounts[0].aor);
  }

  const events = new Emitter<UserAgentEvents>();
  const calls = new Map<InviteSession<Flow>, Call>();
  const incomings = new Map<InviteSession<Flow>, IncomingCall>();
  const failures = new Map<InviteSession<Flow>, ClientError>();
  const forkingOf = new Map<InviteSession<Flow>, "first" | "all">();
  const aborted = new Set<InviteSession<Flow>>();
  const responses = new Map<string, (status: number, response: SipResponse | undefined, request: SipRequest) => void>();
  const queue = new AsyncQueue<IncomingCall>(32);
  let closed = false;
  const instanceId = instanceUrn(rt);

  const listen: ListenOptions[] = transports.map((t) => ({
    transport: t.transport,
    host: t.host ?? host,
    port: t.port ?? 0,
    ...(advertised !== (t.host ?? host) ? { advertisedHost: advertised } : {}),
    ...(t.tls !== undefined ? { tls: t.tls } : {}),
  }));

  const callHost: CallHost & IncomingHost = {
    runtime: rt,
    now: () => rt.now(),
    requestTimeoutMs,
    released(call) {
      calls.delete(call.session);
    },
    adopt(session) {
      const call = new Call(callHost, session, "incoming");
      calls.set(session, call);
      call.established();
      return call;
    },
  };

  let ep: SessionEndpoint;
  try {
    ep = await createSessionEndpoint({
      runtime: rt,
      listen,
      media: mediaFactory,
      authenticator,
      methods: ["INFO", "MESSAGE"],
      // Each call chooses (forked answers of a "first" call are ended here with ACK and BYE).
      forking: "all",
      userAgent: options.userAgent ?? "siphon",
      contactUser: accountUser(options.aor) ?? "siphon",
      ...(publicAddress !== undefined ? { publicAddress } : {}),
      endpoint: {
        transportUser: {
          connectionClosed() {
            // RFC 5626 §4.4.1: a failed flow is registered again (at once; back-off if that fails).
            for (const a of accounts) a.registration.flowLost();
          },
        },
      },
      onSessionEvent: (e, now) => onSessionEvent(e, now),
    });
  } catch (error) {
    media.close();
    throw error;
  }
  const endpoint = ep;
  const points = endpoint.listeningPoints;

  function onSessionEvent(e: SessionEvent<Flow>, now: number): void {
    switch (e.type) {
      case "incoming": {
        const inc = new IncomingCall(callHost, e.session, e.request);
        incomings.set(e.session, inc);
        if (closed || (!queue.waiting && !events.has("incoming") && queue.length >= queue.capacity)) {
          e.session.reject(closed ? 503 : 486, now);
          return;
        }
        const timeout = rt.setTimer(options.incomingTimeoutMs ?? 120_000, () => {
          if (inc.state === "pending" || inc.state === "ringing") inc.reject(480);
        });
        inc.on("cancelled", () => rt.clearTimer(timeout));
        events.emit("incoming", { call: inc });
        queue.push(inc);
        return;
      }
      case "progress":
        calls.get(e.session)?.progress(e.response, false);
        return;
      case "early-media":
        calls.get(e.session)?.progress(e.response, true);
        return;
      case "answered":
        calls.get(e.session)?.established();
        return;
      case "confirmed": {
        const inc = incomings.get(e.session);
        incomings.delete(e.session);
        inc?.confirmed();
        return;
      }
      case "modified":
        if (e.by === "local") calls.get(e.session)?.modified(true, 200);
        return;
      case "modify-failed":
        calls.get(e.session)?.modified(false, e.status);
        return;
      case "hold":
      case "resume": {
        const call = calls.get(e.session);
        call?.holdChanged(e.type, e.by);
        if (e.by === "local") call?.modified(true, 200);
        return;
      }
      case "forked": {
        const original = calls.get(e.original);
        if (original === undefined || forkingOf.get(e.original) !== "all") {
          // RFC 3261 §13.2.2.4: a 2xx from another fork that is not wanted is ACKed, then ended with BYE.
          e.session.bye(now);
          return;
        }
        const call = new Call(callHost, e.session, "outgoing");
        calls.set(e.session, call);
        call.established();
        original.forked(call);
        return;
      }
      case "request": {
        const body = e.request.body;
        const type = e.request.header("Content-Type") ?? "";
        if (e.request.method === "INFO" && e.session !== undefined) {
          const taken = (e.session.media as RtpMediaHandler).handleInfo({ contentType: type, body });
          // RFC 6086 §4.2.2: an INFO whose content we do not take is answered 415.
          endpoint.respond(e, taken ? 200 : 415);
          return;
        }
        if (e.request.method === "MESSAGE") {
          endpoint.respond(e, 200);
          events.emit("message", { from: e.request.header("From") ?? "", contentType: type, body: new TextDecoder().decode(body) });
          return;
        }
        endpoint.respond(e, 405, { headers: [["Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, MESSAGE"]] });
        return;
      }
      case "response": {
        if (e.exchange.session !== undefined) return;
        const request = e.exchange.request;
        const key = request.callId;
        const cb = responses.get(key);
        responses.delete(key);
        cb?.(e.status, e.response, request);
        return;
      }
      case "terminated": {
        const inc = incomings.get(e.session);
        if (inc !== undefined) {
          incomings.delete(e.session);
          inc.terminated(e.reason, e.status);
        }
        const call = calls.get(e.session);
        if (call !== undefined) {
          if (call.state === "calling" || call.state === "ringing" || call.state === "early") {
            failures.set(e.session, callFailure(e.reason, e.status, e.response, aborted.has(e.session)));
          }
          call.terminated(e.reason, e.by, e.status);
        }
        aborted.delete(e.session);
        forkingOf.delete(e.session);
        return;
      }
      default:
        return;
    }
  }

  /** Our Contact URI for a transport (the public address applied). */
  function contactUri(transport: TransportProtocol, user: string): string {
    const lp = points.find((p) => p.transport === transport) ?? points[0]!;
    const h = publicAddress?.host ?? lp.sentByHost;
    const p = publicAddress?.port ?? lp.sentByPort;
    const param = lp.transport === "UDP" ? "" : `;transport=${lp.transport.toLowerCase()}`;
    return `sip:${user}@${bracket(h)}:${p}${param}`;
  }

  function route(): string[] | undefined {
    if (options.outboundProxy === undefined) return undefined;
    const u = parsedSip(targetUri(options.outboundProxy, undefined));
    return [`<${u.scheme}:${bracket(u.host)}${u.port !== undefined ? `:${u.port}` : ""}${typeof u.params["transport"] === "string" ? `;transport=${u.params["transport"]}` : ""};lr>`];
  }

  async function sendRequest(init: OutgoingRequestInit, onResponse: (status: number, response: SipResponse | undefined, request: SipRequest) => void) {
    if (closed && init.method !== "REGISTER") throw new ClientError("CLOSED", "the user agent is closed");
    const key = init.callId!;
    responses.set(key, onResponse);
    try {
      return await endpoint.request(init);
    } catch (error) {
      responses.delete(key);
      throw error;
    }
  }

  function addAccount(o: AccountOptions): Account {
    const aor = targetUri(o.aor, undefined);
    const u = parsedSip(aor);
    if (u.user === undefined) throw new ClientError("BAD_ARGUMENT", `the AOR ${aor} has no user part`);
    if (accounts.some((a) => a.aor === aor)) throw new ClientError("BAD_ARGUMENT", `the account ${aor} exists already`);
    if (o.credentials !== undefined) {
      digest.set(aor, createDigestClient({ credentials: [{ username: o.credentials.username, password: o.credentials.password, ...(o.credentials.realm !== undefined ? { realm: o.credentials.realm } : {}) }] }));
    }
    const registrar = o.registrar !== undefined ? targetUri(o.registrar, undefined) : `${u.scheme}:${bracket(u.host)}${u.port !== undefined ? `:${u.port}` : ""}`;
    const registrarUri = parsedSip(registrar);
    const proxyUri = options.outboundProxy !== undefined ? parsedSip(targetUri(options.outboundProxy, undefined)) : undefined;
    const transportParam = (proxyUri ?? registrarUri).params["transport"];
    const transport = (typeof transportParam === "string" ? transportParam.toUpperCase() : points[0]!.transport) as TransportProtocol;
    const user = u.user;
    const host: RegistrationHost = {
      runtime: rt,
      instanceId,
      contactUri: () => contactUri(transport, user),
      send: (init, cb) => sendRequest({ ...init, callId: init.callId ?? randomHex(rt, 12) }, (status, response) => cb(status, response)),
    };
    const r = route();
    const registration = new Registration(host, {
      aor,
      registrar,
      ...(r !== undefined ? { route: r } : {}),
      ...(o.expires !== undefined ? { expires: o.expires } : {}),
      ...(o.displayName !== undefined ? { displayName: o.displayName } : {}),
    });
    const account: Account = { aor, displayName: o.displayName, registration };
    registration.on("state", (e) => events.emit("registration", { account, state: e.state, ...(e.error ? { error: e.error } : {}) }));
    accounts.push(account);
    return account;
  }

  if (options.aor !== undefined) {
    addAccount({
      aor: options.aor,
      ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      ...(options.registrar !== undefined ? { registrar: options.registrar } : {}),
      ...(options.expires !== undefined ? { expires: options.expires } : {}),
    });
  }

  function defaultAccount(): Account {
    const a = accounts[0];
    if (a === undefined) throw new ClientError("BAD_ARGUMENT", "no account: give createUserAgent an aor, or addAccount()");
    return a;
  }

  async function call(target: string, o: CallOptions = {}): Promise<Call> {
    if (closed) throw new ClientError("CLOSED", "the user agent is closed");
    const account = o.from ?? accounts[0];
    const to = targetUri(target, account === undefined ? undefined : accountDomain(account.aor));
    const lp = points[0]!;
    const fromUri = account?.aor ?? `sip:siphon@${bracket(publicAddress?.host ?? lp.sentByHost)}`;
    const name = account?.displayName !== undefined ? `"${account.displayName.replace(/["\\]/g, "")}" ` : "";
    const callId = randomHex(rt, 16);
    if (o.media !== undefined) outgoingMedia.set(callId, rtpMediaHandlers(media, handlerOptions(o.media)));
    const r = route();
    let session: InviteSession<Flow>;
    try {
      session = await endpoint.invite({
        to: `<${to}>`,
        from: `${name}<${fromUri}>`,
        callId,
        ...(r !== undefined ? { route: r } : {}),
        ...(o.headers !== undefined ? { headers: o.headers.map(([k, v]): [string, string] => [k, v]) } : {}),
      });
    } catch (error) {
      throw new ClientError("NO_ROUTE", `call ${to}: ${(error as Error).message}`, { cause: error });
    } finally {
      outgoingMedia.delete(callId);
    }
    const c = new Call(callHost, session, "outgoing");
    calls.set(session, c);
    forkingOf.set(session, o.forking ?? "first");
    const cancel = () => {
      aborted.add(session);
      void c.hangup().catch(() => undefined);
    };
    return waitUntil<Call>(rt, `call ${to}`, o, 180_000, (w) => {
      const offState = c.on("state", (e) => {
        if (e.state === "active" || e.state === "held") w.resolve(c);
        else if (e.state === "early") o.earlyMedia?.(c);
        else if (e.state === "ended") w.reject(failures.get(session) ?? new ClientError("ENDED", `call ${to}: ended (${c.endReason})`));
      });
      return () => {
        offState();
        failures.delete(session);
      };
    }, cancel).catch((error: unknown) => {
      // Our own timeout: give up the INVITE (CANCEL) so that nothing is left ringing.
      if (error instanceof ClientError && error.code === "TIMEOUT" && c.state !== "ended") cancel();
      throw error;
    });
  }

  async function ping(target: string, o: WaitOptions = {}) {
    const account = accounts[0];
    const to = targetUri(target, account === undefined ? undefined : accountDomain(account.aor));
    const fromUri = account?.aor ?? `sip:siphon@${bracket(publicAddress?.host ?? points[0]!.sentByHost)}`;
    const callId = randomHex(rt, 12);
    const started = rt.now();
    const r = route();
    return waitUntil<{ status: number; reason: string; rttMs: number }>(rt, `options ${to}`, o, requestTimeoutMs + 1000, (w) => {
      sendRequest({ method: "OPTIONS", uri: to, from: `<${fromUri}>`, to: `<${to}>`, callId, ...(r !== undefined ? { route: r } : {}) }, (status, response) => {
        if (response === undefined) w.reject(new ClientError(status === 408 ? "TIMEOUT" : "TRANSPORT", `options ${to}: ${status === 408 ? "no answer" : "transport failure"}`, { status }));
        else w.resolve({ status, reason: response.reason, rttMs: rt.now() - started });
      }).catch((error: unknown) => w.reject(new ClientError("NO_ROUTE", `options ${to}: ${(error as Error).message}`, { cause: error })));
      return () => void responses.delete(callId);
    });
  }

  async function close(o: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (closed) return;
    closed = true;
    queue.close();
    const timeoutMs = o.timeoutMs ?? 5000;
    for (const inc of incomings.values()) {
      try {
        if (inc.state === "pending" || inc.state === "ringing") inc.reject(503);
      } catch {
        // settled meanwhile
      }
    }
    const waits: Promise<unknown>[] = [];
    for (const c of [...calls.values()]) {
      c.closing();
      waits.push(c.hangup({ timeoutMs }).catch(() => undefined));
    }
    for (const a of accounts) {
      if (a.registration.state === "registered" || a.registration.state === "registering") waits.push(a.registration.unregister({ timeoutMs }).catch(() => undefined));
      else a.registration.stop();
    }
    await Promise.all(waits);
    for (const a of accounts) a.registration.stop();
    // Requests still in progress — the BYE of a call hung up just before — go out and get their
    // answers before the sockets close (a runtime may still hold a datagram handed to it): a second
    // at most, time for the first retransmission too. (An INVITE client transaction Accepted after
    // its 2xx only absorbs retransmissions.)
    const layer = endpoint.endpoint.transactions!;
    const deadline = rt.now() + Math.min(timeoutMs, 1000);
    endpoint.flush();
    while (layer.clientsUnanswered > 0 && rt.now() < deadline) await new Promise<void>((r) => rt.setTimer(20, () => r()));
    media.close();
    await endpoint.close();
  }

  return {
    runtime: rt,
    get accounts() {
      return accounts;
    },
    get calls() {
      return [...calls.values()];
    },
    get address() {
      const lp = points[0]!;
      return { host: publicAddress?.host ?? lp.sentByHost, port: publicAddress?.port ?? lp.sentByPort, transport: lp.transport };
    },
    get publicAddress() {
      return publicAddress;
    },
    endpoint,
    addAccount,
    register: (o) => defaultAccount().registration.register(o),
    unregister: (o) => defaultAccount().registration.unregister(o),
    call,
    incoming: () => queue.iterator(),
    options: ping,
    on: (type, listener) => events.on(type, listener),
    setPublicAddress(address) {
      publicAddress = address;
      endpoint.setPublicAddress(address);
    },
    close,
  };
}

function accountUser(aor: string | undefined): string | undefined {
  if (aor === undefined) return undefined;
  const m = /^(?:sips?:)?([^@;:]+)@/i.exec(aor.trim());
  return m?.[1];
}
