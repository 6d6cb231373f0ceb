/**
 * `createSiphonServer`: the registrar, the proxy, the call engine with its services and the stores
 * put together on real sockets — what `siphon serve` runs.
 *
 *     phones ──UDP/TCP :5060, WS :8080──▶ front endpoint ── REGISTER ──▶ registrar ──▶ store (SQLite)
 *                                              │                             │ location
 *                                              └── other requests ──▶ proxy ─┴─▶ registered contacts
 *                                                                       └─▶ sip:echo@… ─▶ call engine
 *                                                                            (127.0.0.1, its own port:
 *                                                                             services, B2BUA, media)
 *
 * The front endpoint's transaction events go to the registrar (REGISTER; answered 200 once the
 * binding is durable) or to the proxy, which looks Request-URIs of our domains up in the location
 * service; service names (`echo`, …) resolve to the call engine, which sits behind the proxy on a
 * loopback port of its own. Datagrams and connections pass a per-address limit first.
 */
import { createDigestServer } from "../../auth/index.ts";
import { createMediaDriver, createSessionEndpoint, createSipEndpoint } from "../../driver/index.ts";
import type { ListenOptions, MediaDriver, SessionEndpoint, SipEndpoint, SocketAddress } from "../../driver/index.ts";
import { digestChallenger } from "../../session/index.ts";
import type { RequestChallenger } from "../../session/index.ts";
import { createResponse } from "../../sip/index.ts";
import type { SipRequest, SipUri } from "../../sip/index.ts";
import type { SrtpCrypto } from "../../srtp/index.ts";
import type { TransactionEvent } from "../../transaction/index.ts";
import { unbracket } from "../../transport/index.ts";
import type { Flow } from "../../transport/index.ts";
import { createCallEngine } from "../b2bua/index.ts";
import type { CallEngine, CallRecord } from "../b2bua/index.ts";
import type { ServerConfig } from "../config/index.ts";
import { attachProxy } from "../proxy/index.ts";
import type { ProxyAttachment, ProxyBinding, ProxyLocation } from "../proxy/index.ts";
import { canonicalAor, createRegistrar, createUserDirectory } from "../registrar/index.ts";
import type { Binding, BindingChange, Registrar, RegisterResult, UserDirectory } from "../registrar/index.ts";
import { echoService, parkService, playbackService } from "../services/index.ts";
import type { CallService } from "../services/index.ts";
import { createMemoryStorage, createSqliteStorage, StorageError } from "../storage/index.ts";
import type { Storage } from "../storage/index.ts";
import { guardRuntime } from "./guarded-runtime.ts";
import type { ResponseCounters } from "./guarded-runtime.ts";
import { httpApi } from "./http-api.ts";
import { createLogger } from "./logger.ts";
import type { Logger } from "./logger.ts";
import { serverMetrics } from "./server-metrics.ts";
import { AddressLimiter } from "./rate-limit.ts";
import type { HttpListener, ServerRuntime } from "./runtime.ts";

/** Options of {@link createSiphonServer} besides the configuration. */
export interface SiphonServerOptions {
  /** The runtime record (`await loadRuntime()` from `@siphon/siphon/runtimes`). */
  runtime: ServerRuntime & { readonly srtpCrypto?: SrtpCrypto };
  /** Where log lines go. Default `console.error`. */
  write?: (line: string) => void;
  /** A logger instead of one made from `config.log` and `write`. */
  log?: Logger;
  /** Other names and addresses of this host (interface addresses): Request-URIs naming them are ours. */
  aliases?: readonly string[];
}

/** The demo users made when the configuration lists none. */
export interface DemoUser {
  readonly username: string;
  readonly password: string;
}

/** Where the server listens. */
export interface ServerAddresses {
  /** UDP and TCP. */
  readonly sip: SocketAddress;
  readonly ws: SocketAddress | undefined;
  readonly http: SocketAddress | undefined;
  /** The call engine's own SIP port (on 127.0.0.1, behind the proxy). */
  readonly engine: SocketAddress;
  /** Ports that were taken, and the ones used instead. */
  readonly moved: readonly string[];
}

/** A running server. */
export interface SiphonServer {
  readonly config: ServerConfig;
  readonly addresses: ServerAddresses;
  readonly registrar: Registrar;
  readonly users: UserDirectory;
  /** The demo users (with their passwords, to print), when none were configured. */
  readonly demoUsers: readonly DemoUser[] | undefined;
  readonly storage: Storage;
  /** Bindings loaded from the store at start. */
  readonly restored: number;
  /** The service names reachable as `sip:NAME@<realm>`. */
  readonly services: readonly string[];
  readonly log: Logger;
  /** The Prometheus text of `/metrics`. */
  metrics(): string;
  /** Live calls of the call engine. */
  calls(): CallRecord[];
  /**
   * Stops: new requests get 503, calls get `graceMs` (default the configuration's) to end before
   * they are hung up, then the sockets close and the store is flushed and closed.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** RTP/RTCP port pairs the call engine keeps bound ahead: the new calls one burst may bring. */
const MEDIA_SPARE_PAIRS = 64;

/** How long a stopping server waits for the answers to the BYEs of the calls it hangs up, ms. */
const HANGUP_WAIT_MS = 2000;

/** Demo users: a fixed set so that a softphone configured once keeps working across restarts. */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: "alice", password: "alice-demo" },
  { username: "bob", password: "bob-demo" },
  { username: "carol", password: "carol-demo" },
];

const SERVICES = (): CallService[] => [
  echoService(),
  echoService({ name: "echo-srtp", media: { srtp: { mandatory: true } } }),
  playbackService({ name: "tone", source: { tone: { frequencies: [440] } }, durationMs: 30_000 }),
  parkService(),
];

/** Tries `bind(offset)` for offsets 0.. until one works (`tries` at most). */
async function firstFree<T>(tries: number, bind: (offset: number) => Promise<T>): Promise<[T, number]> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return [await bind(i), i];
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

function joinPath(dir: string, file: string): string {
  return dir.endsWith("/") || dir.endsWith("\\") ? dir + file : `${dir}/${file}`;
}

async function openStorage(config: ServerConfig, rt: SiphonServerOptions["runtime"], log: Logger): Promise<Storage> {
  if (config.storage.kind === "memory") return createMemoryStorage();
  const path = joinPath(config.data, "siphon.sqlite");
  try {
    await rt.makeDirectory(config.data);
    const db = await rt.openSqlite(path);
    return createSqliteStorage(db, {
      path,
      synchronous: config.storage.synchronous,
      // Every datagram read in one poll of the sockets shares one commit.
      defer: (run) => void rt.setTimer(0, run),
    });
  } catch (e) {
    if (e instanceof StorageError && e.code === "UNAVAILABLE") {
      log.warn("SQLite unavailable: registrations and call records are kept in memory only and will not survive a restart", { reason: e.message });
      return createMemoryStorage();
    }
    throw e;
  }
}

/**
 * Starts a server with a resolved configuration (`resolveConfig`/`loadConfig`). Rejects when a port
 * it may not move from is taken, or the store cannot be opened (StorageError).
 */
export async function createSiphonServer(config: ServerConfig, options: SiphonServerOptions): Promise<SiphonServer> {
  const rt = options.runtime;
  const log = options.log ?? createLogger({ level: config.log.level, format: config.log.format, write: options.write ?? ((l) => console.error(l)), clock: () => rt.wallTime() });
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // Closing what is left matters more than why one part would not close.
      }
    }
  };

  try {
    // ------------------------------------------------------------------ users and storage
    const demoUsers = config.users.length === 0 ? DEMO_USERS : undefined;
    const users = createUserDirectory(config.realm, demoUsers ?? config.users);
    const storage = await openStorage(config, rt, log);
    closers.push(() => storage.close());

    const advertised = config.advertisedHost ?? (config.host === "0.0.0.0" || config.host === "::" ? undefined : config.host);
    const localNames = new Set(
      [config.realm, config.host, config.advertisedHost, "localhost", "127.0.0.1", "::1", ...(options.aliases ?? [])]
        .filter((h): h is string => h !== undefined && h !== "0.0.0.0" && h !== "::")
        .map((h) => unbracket(h.toLowerCase())),
    );
    const isLocal = (host: string) => localNames.has(unbracket(host.toLowerCase()));

    const registrar = createRegistrar({
      realm: config.realm,
      users,
      isLocalHost: isLocal,
      minExpires: config.registrar.minExpires,
      maxExpires: config.registrar.maxExpires,
      defaultExpires: config.registrar.defaultExpires,
      maxContacts: config.registrar.maxContacts,
      flowTimer: config.registrar.flowTimer,
      algorithms: config.registrar.algorithms,
    });
    const restored = registrar.location.load(await storage.registrations.load(rt.wallTime()), rt.wallTime());

    // ------------------------------------------------------------------ call engine (services)
    const [lo, hi] = config.media.rtpPorts.split("-").map(Number) as [number, number];
    const media: MediaDriver = await createMediaDriver({
      runtime: rt,
      host: config.host,
      ...(advertised !== undefined ? { advertisedHost: advertised } : {}),
      // A call's media answer is synchronous, so it takes a pair bound ahead: with 8 ready, a burst of
      // more new calls than that within one binding round answered the rest 500.
      ports: { minPort: lo, maxPort: hi, spare: MEDIA_SPARE_PAIRS },
      session: { latching: true, rtpTimeoutMs: 60_000 },
    });
    closers.push(() => media.close());
    const services = SERVICES();
    const serviceNames = new Set(services.map((s) => s.name));
    const engine: CallEngine = createCallEngine({
      clock: rt,
      media,
      services,
      wallClock: () => rt.wallTime(),
      route: ({ request }) => {
        const user = request.uri.scheme === "sip" || request.uri.scheme === "sips" ? (request.uri as SipUri).user : undefined;
        return user !== undefined && serviceNames.has(user) ? { type: "service", service: user } : { type: "reject", status: 404 };
      },
      onCdr: (e) => {
        if (e.type !== "end") return;
        log.info("call ended", { call: e.record.callId, from: e.record.from, to: e.record.to, disposition: e.record.disposition, status: e.record.status });
        storage.cdrs.add(e.record).catch((err: unknown) => log.error("call record not stored", { call: e.record.callId, error: (err as Error).message }));
      },
    });
    const sessions: SessionEndpoint = await createSessionEndpoint({
      runtime: rt,
      // The proxy reaches the engine over TCP: an INVITE over 1300 bytes (several codecs, SRTP keys)
      // must not go over UDP (RFC 3261 §18.1.1), and would otherwise move to TCP at a port with no
      // listener. The engine's own requests to the proxy stay on UDP (loopback carries 64 KiB), so the
      // proxy knows them by their source address.
      listen: [
        { transport: "UDP", host: "127.0.0.1", port: 0 },
        { transport: "TCP", host: "127.0.0.1", port: 0 },
      ],
      endpoint: { pathMtu: 65_535 },
      contactUser: "siphon",
      media: engine.media,
      authenticator: engine.authenticator,
      methods: ["INFO"],
      userAgent: "siphon",
      onSessionEvent: (e, now) => engine.handleSessionEvent(e, now),
    });
    engine.attach(sessions);
    closers.push(() => sessions.close());
    const enginePoint = sessions.listeningPoints.find((p) => p.transport === "UDP")!.local;
    const engineTcp = sessions.listeningPoints.find((p) => p.transport === "TCP")!.local;

    // ------------------------------------------------------------------ front endpoint
    const limiter = new AddressLimiter({
      limit: config.limits.perAddress ?? undefined,
      windowMs: config.limits.windowMs,
      banMs: config.limits.banMs,
      // The call engine talks to the proxy over loopback: never limit it.
      trusted: [...config.limits.trusted, "127.0.0.1"],
      banned: config.limits.banned,
    });
    const responses: ResponseCounters = { "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "6xx": 0 };
    const guarded = guardRuntime(rt, limiter, responses);
    let proxy: ProxyAttachment | undefined;
    let stopping = false;
    let stopped = false;
    /** Set while the proxy handles a request from the call engine, which is not challenged. */
    let fromEngine = false;
    const engineKey = `${enginePoint.host}:${enginePoint.port}`;

    const tries = config.sip.nextFreePort ? 20 : 1;
    const moved: string[] = [];
    const [front, offset] = await firstFree(tries, (i) => {
      const listen: ListenOptions[] = [
        { transport: "UDP", host: config.host, port: config.sip.port + i },
        { transport: "TCP", host: config.host, port: config.sip.port + i },
      ];
      if (config.sip.wsPort !== null) listen.push({ transport: "WS", host: config.host, port: config.sip.wsPort === 0 ? 0 : config.sip.wsPort + i });
      for (const l of listen) if (advertised !== undefined) l.advertisedHost = advertised;
      return createSipEndpoint({
        runtime: guarded,
        listen,
        transactions: { checks: false, autoCancel: false, maxServerTransactions: 200_000 },
        transportUser: {
          connectionClosed(flow) {
            const gone = registrar.location.flowFailed(flow);
            if (gone.length > 0) persist(gone, "flow closed");
            drainLocation();
          },
        },
        onTransactionEvent: (e) => dispatch(e),
      });
    }).catch((e: unknown) => {
      const ports = `${config.sip.port}${config.sip.wsPort !== null ? ` (WebSocket ${config.sip.wsPort})` : ""}`;
      throw new Error(
        `cannot listen for SIP on ${config.host} port ${ports}${tries > 1 ? ` or the ${tries - 1} after it` : ""}: ${(e as Error).message}${tries === 1 ? " (another SIP server? choose another port with --port)" : ""}`,
        { cause: e },
      );
    });
    closers.push(() => front.close());
    if (offset > 0) moved.push(`SIP port ${config.sip.port} was taken: using ${config.sip.port + offset}` + (config.sip.wsPort ? `, WebSocket ${config.sip.wsPort + offset}` : ""));
    const sipPoint = front.listeningPoints.find((p) => p.transport === "UDP")!;
    const wsPoint = front.listeningPoints.find((p) => p.transport === "WS");
    for (const p of front.listeningPoints) localNames.add(unbracket(p.sentByHost.toLowerCase()));

    // ------------------------------------------------------------------ proxy
    const location: ProxyLocation<Flow> = {
      lookup(aor): readonly ProxyBinding<Flow>[] {
        const m = /^sips?:(?:([^@]*)@)?(.+)$/.exec(aor);
        if (m === null) return [];
        const user = m[1];
        // Services live on the call engine, one hop behind the proxy.
        if (user !== undefined && serviceNames.has(user)) return [{ contact: `sip:${user}@127.0.0.1:${engineTcp.port};transport=tcp` }];
        if (!isLocal(m[2]!)) return [];
        return registrar.location.lookup(canonicalAor(user, config.realm), rt.wallTime()).map(toProxyBinding);
      },
    };
    const proxyDigest = createDigestServer({ realm: config.realm, proxy: true, algorithms: config.registrar.algorithms });
    const challenger = digestChallenger(proxyDigest, users.ha1, { methods: ["INVITE", "MESSAGE", "SUBSCRIBE", "REFER"], outOfDialogOnly: true });
    const authenticate: RequestChallenger = { verify: (request, now) => (fromEngine ? undefined : challenger.verify(request, now)) };
    proxy = attachProxy(front, { location, domains: [...localNames], aliases: [...localNames], authenticate });
    closers.push(() => proxy?.detach());

    // ------------------------------------------------------------------ registrar on the front endpoint
    function persist(changes: readonly BindingChange[], why: string): void {
      storage.registrations.apply(changes).catch((e: unknown) => log.error("registration change not stored", { why, error: (e as Error).message }));
    }

    function drainLocation(): void {
      for (let e = registrar.location.pollEvent(); e !== undefined; e = registrar.location.pollEvent()) {
        const level = e.type === "refreshed" ? "debug" : "info";
        if (log.enabled(level)) log[level](e.type, { aor: e.binding.aor, contact: e.binding.contact, source: e.binding.source });
      }
      armExpiry();
    }

    let expiryTimer: unknown;
    let expiryAt: number | undefined;
    function armExpiry(): void {
      const at = registrar.location.pollTimeout();
      if (at === expiryAt || stopped) return;
      if (expiryTimer !== undefined) rt.clearTimer(expiryTimer);
      expiryTimer = undefined;
      expiryAt = at;
      if (at === undefined) return;
      // Wall time can jump: look again at least every minute.
      expiryTimer = rt.setTimer(Math.min(60_000, Math.max(0, at - rt.wallTime())), () => {
        expiryTimer = undefined;
        expiryAt = undefined;
        const gone = registrar.location.handleTimeout(rt.wallTime());
        if (gone.length > 0) persist(gone, "expired");
        drainLocation();
      });
    }

    function register(e: Extract<TransactionEvent<Flow>, { type: "request" }>): void {
      const r: RegisterResult = registrar.handleRegister(e.request, e.flow, rt.wallTime());
      drainLocation();
      if (r.changes.length === 0) {
        front.respond(e.transaction, r.response);
        return;
      }
      // A 200 only once the binding is durable (the store's commit resolved).
      storage.registrations.apply(r.changes).then(
        () => front.respond(e.transaction, r.response),
        (err: unknown) => {
          registrar.rollback(r);
          log.error("REGISTER refused: binding not stored", { aor: r.aor, error: (err as Error).message });
          front.respond(e.transaction, createResponse(e.request, 500, "Storage Unavailable", { headers: [["Retry-After", "5"]] }));
        },
      );
    }

    function isEngineFlow(flow: Flow): boolean {
      return `${flow.remote.host}:${flow.remote.port}` === engineKey;
    }

    function dispatch(e: TransactionEvent<Flow>): void {
      if (e.type === "request") {
        const req: SipRequest = e.request;
        const outOfDialog = req.toTag === undefined && req.method !== "ACK" && req.method !== "CANCEL";
        if (stopping && outOfDialog) {
          front.respond(e.transaction, createResponse(req, 503, "Shutting Down", { headers: [["Retry-After", "30"]] }));
          return;
        }
        if (req.method === "REGISTER" && outOfDialog) {
          register(e);
          return;
        }
        const uri = req.uri;
        if (req.method === "OPTIONS" && outOfDialog && uri.scheme === "sip" && (uri as SipUri).user === undefined) {
          // A keep-alive ping to the server itself (RFC 3261 §11.2).
          front.respond(e.transaction, createResponse(req, 200, "OK", { headers: [["Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, PRACK"], ["Accept", "application/sdp"]] }));
          return;
        }
        fromEngine = isEngineFlow(e.flow);
        try {
          proxy!.handleTransactionEvent(e);
        } finally {
          fromEngine = false;
        }
        return;
      }
      proxy?.handleTransactionEvent(e);
    }

    // ------------------------------------------------------------------ HTTP
    let http: HttpListener | undefined;
    const metrics = () =>
      serverMetrics({ registrar, front, proxy: proxy!.core, engine, media, limiter, responses, storage, now: rt.wallTime() });
    if (config.http.port !== null) {
      const httpHost = config.http.host ?? config.host;
      const base = config.http.port;
      const [listener, hOffset] = await firstFree(config.sip.nextFreePort && base !== 0 ? 20 : 1, (i) =>
        rt.serveHttp(
          { host: httpHost, port: base === 0 ? 0 : base + i },
          httpApi({
            metrics,
            registrations: () => [...registrar.location.all()],
            calls: () => engine.calls(),
            cdrs: (q) => storage.cdrs.list(q),
            wallTime: () => rt.wallTime(),
          }),
        ),
      ).catch((e: unknown) => {
        throw new Error(`cannot listen for HTTP on ${httpHost} port ${base}: ${(e as Error).message} (choose another with --http-port)`, { cause: e });
      });
      http = listener;
      closers.push(() => listener.close());
      if (hOffset > 0) moved.push(`HTTP port ${base} was taken: using ${base + hOffset}`);
    }

    drainLocation();
    const server: SiphonServer = {
      config,
      addresses: { sip: sipPoint.local, ws: wsPoint?.local, http: http?.local, engine: enginePoint, moved },
      registrar,
      users,
      demoUsers,
      storage,
      restored,
      services: [...serviceNames],
      log,
      metrics,
      calls: () => engine.calls(),
      async stop(o) {
        if (stopping) return;
        stopping = true;
        const grace = o?.graceMs ?? config.shutdownGraceMs;
        const deadline = rt.now() + grace;
        const busy = () => engine.activeCalls > 0 || proxy!.core.contextCount > 0;
        if (busy()) log.info("stopping: waiting for calls to end", { calls: engine.activeCalls, proxied: proxy!.core.contextCount, graceMs: grace });
        while (busy() && rt.now() < deadline) await new Promise<void>((r) => rt.setTimer(200, r));
        if (engine.activeCalls > 0) {
          log.warn("stopping: hanging up the calls left", { calls: engine.activeCalls });
          engine.endAll();
          // The sessions were ended outside any input the endpoint handles: send their BYEs and
          // CANCELs now, then give them until the far ends answer (and the call records are
          // written), a few T1 at most.
          sessions.flush();
          // A session is over the moment its BYE is handed to a transaction (RFC 3261 §15.1.1),
          // so wait for the engine's client transactions still unanswered (the BYEs, and the
          // INVITEs of bridged legs being cancelled): their answers come back through the proxy,
          // so once they are answered the BYEs have reached the phones.
          const layer = sessions.endpoint.transactions!;
          const byeDeadline = rt.now() + HANGUP_WAIT_MS;
          while ((engine.activeCalls > 0 || layer.clientsUnanswered > 0) && rt.now() < byeDeadline) await new Promise<void>((r) => rt.setTimer(20, r));
        }
        stopped = true;
        if (expiryTimer !== undefined) rt.clearTimer(expiryTimer);
        await storage.flush();
        await closeAll();
        log.info("stopped", { registrations: registrar.location.size });
      },
    };
    return server;
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/** A binding as the proxy needs it: the flow only for outbound bindings (RFC 5626 §5.3). */
function toProxyBinding(b: Binding): ProxyBinding<Flow> {
  return { contact: b.contact, q: b.q, path: b.path, flow: b.regId !== undefined ? b.flow : undefined };
}
