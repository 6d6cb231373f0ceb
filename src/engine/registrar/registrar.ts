/**
 * The registrar (RFC 3261 §10.3), sans-I/O: {@link Registrar.handleRegister} takes a REGISTER, the
 * flow it came on and `now` (ms since the epoch), and returns the response together with the
 * changes it made to the location service — which the caller makes durable before it sends the
 * response (a REGISTER is answered 200 only once its binding is stored), or undoes with
 * {@link Registrar.rollback} when the store refuses them.
 *
 * Beyond RFC 3261: Path (RFC 3327), outbound flows (RFC 5626 §6), digest authentication against
 * HA1s (RFC 3261 §22, RFC 7616) and a bound on the contacts of one AOR.
 */
import { createDigestServer } from "../../auth/index.ts";
import type { DigestAlgorithm, DigestHa1Lookup, DigestServer } from "../../auth/index.ts";
import { randomHex } from "../../random.ts";
import { createResponse, formatSipDate, splitHeaderValues } from "../../sip/index.ts";
import type { Contact, ContactAddress, SipRequest, SipResponse, SipUri, Uri } from "../../sip/index.ts";
import type { Flow } from "../../transport/index.ts";
import { bindingKey, canonicalAor, flowSource } from "./binding.ts";
import type { Binding, BindingChange } from "./binding.ts";
import { LocationService } from "./location.ts";

/** Options of {@link createRegistrar}. */
export interface RegistrarOptions {
  /** The digest realm (RFC 3261 §22.1), and the domain local AORs are written with. */
  realm: string;
  /**
   * The users' HA1s (a `UserDirectory` from `createUserDirectory`, or any lookup). Absent: every
   * REGISTER is accepted without authentication (a test bed, never an open network).
   */
  users?: { ha1: DigestHa1Lookup } | undefined;
  /**
   * Whether a host in a To URI is one of ours (RFC 3261 §10.3 step 1-3). Ours become the realm in
   * the AOR, so `sip:alice@127.0.0.1` and `sip:alice@example.com` are one user; others get 404.
   * Default: every host is ours (a single-domain server).
   */
  isLocalHost?: (host: string) => boolean;
  /** Shortest registration accepted, in seconds (423 below it, RFC 3261 §10.3 step 7). Default 60. */
  minExpires?: number;
  /** Longest registration granted, in seconds; longer requests are shortened. Default 3600. */
  maxExpires?: number;
  /** Registration time when the REGISTER gives none, in seconds. Default 3600. */
  defaultExpires?: number;
  /** Most contacts bound to one AOR (403 past it). Default 10. */
  maxContacts?: number;
  /**
   * The Flow-Timer (RFC 5626 §4.4.1) announced to outbound clients on stream transports, in
   * seconds: how often they must send a keep-alive. Default 120; 0 leaves it out.
   */
  flowTimer?: number;
  /** Digest algorithms offered. Default `["MD5"]` (see `DigestServerOptions.algorithms`). */
  algorithms?: readonly DigestAlgorithm[];
  /** Key of the nonces' MAC: give the same one to every instance and across restarts. */
  nonceSecret?: Uint8Array | string;
  /** Random bytes for To tags and nonces. */
  random?: (n: number) => Uint8Array;
}

/** What {@link Registrar.handleRegister} decided. */
export interface RegisterResult {
  /** The answer. A 2xx goes out only once {@link changes} are durable. */
  readonly response: SipResponse;
  readonly status: number;
  /** The canonical AOR, when the request got that far. */
  readonly aor: string | undefined;
  /** The changes made to the location service (already applied in memory), to store. */
  readonly changes: readonly BindingChange[];
  /** The AOR's bindings before the changes, for {@link Registrar.rollback}. */
  readonly before: readonly Binding[];
  /** The authenticated username, when authentication ran and passed. */
  readonly user: string | undefined;
}

/** Counts of the registrar's decisions. */
export interface RegistrarCounters {
  registers: number;
  /** 200 answers: bindings added, refreshed, removed or only fetched. */
  accepted: number;
  /** 401 answers with a challenge: no credentials, a stale nonce or a replayed nonce count. */
  challenged: number;
  /** Credentials refused: unknown user or a wrong digest (answered 401 again), or 403 for another user's AOR. */
  authFailed: number;
  /** 423 Interval Too Brief. */
  intervalTooBrief: number;
  /** 400 answers: malformed Contact, Expires or `*` misuse, several reg-id contacts. */
  badRequest: number;
  /** 404: an AOR of another domain. */
  notFound: number;
  /** 403 for more than `maxContacts` bindings. */
  tooManyContacts: number;
  /** 500 for a Call-ID/CSeq older than the binding's (RFC 3261 §10.3 step 7). */
  outOfOrder: number;
  /** 439 First Hop Lacks Outbound Support. */
  firstHopLacksOutbound: number;
  /** Changes undone because the store refused them. */
  rolledBack: number;
}

/** A registrar with its location service; see {@link createRegistrar}. */
export interface Registrar {
  readonly location: LocationService;
  readonly counters: Readonly<RegistrarCounters>;
  readonly realm: string;
  /** The digest server challenging REGISTERs (shares nonces with a proxy of the same realm). */
  readonly digest: DigestServer | undefined;
  /** Answers a REGISTER that came on `flow` at `now` (ms since the epoch). Never throws for anything in it. */
  handleRegister(request: SipRequest, flow: Flow, now: number): RegisterResult;
  /** Undoes a result's changes in memory (the store refused them); the caller answers 500. */
  rollback(result: RegisterResult): void;
  /** The canonical AOR of a SIP URI (a Request-URI a proxy looks up), or undefined for another domain. */
  aorOf(uri: Uri): string | undefined;
}

/** RFC 5626 §6 reg-id: 1 to 2^31-1. */
const MAX_REG_ID = 2 ** 31 - 1;

class RegistrarImpl implements Registrar {
  readonly location = new LocationService();
  readonly counters: RegistrarCounters = {
    registers: 0,
    accepted: 0,
    challenged: 0,
    authFailed: 0,
    intervalTooBrief: 0,
    badRequest: 0,
    notFound: 0,
    tooManyContacts: 0,
    outOfOrder: 0,
    firstHopLacksOutbound: 0,
    rolledBack: 0,
  };
  readonly realm: string;
  readonly digest: DigestServer | undefined;
  readonly #users: { ha1: DigestHa1Lookup } | undefined;
  readonly #isLocal: (host: string) => boolean;
  readonly #min: number;
  readonly #max: number;
  readonly #default: number;
  readonly #maxContacts: number;
  readonly #flowTimer: number;
  readonly #random: ((n: number) => Uint8Array) | undefined;

  constructor(o: RegistrarOptions) {
    this.realm = o.realm;
    this.#users = o.users;
    this.#isLocal = o.isLocalHost ?? (() => true);
    this.#min = o.minExpires ?? 60;
    this.#max = o.maxExpires ?? 3600;
    this.#default = o.defaultExpires ?? 3600;
    this.#maxContacts = o.maxContacts ?? 10;
    this.#flowTimer = o.flowTimer ?? 120;
    this.#random = o.random;
    if (!(this.#min >= 0 && this.#max >= this.#min && this.#default > 0 && this.#maxContacts >= 1)) {
      throw new RangeError("createRegistrar: need 0 <= minExpires <= maxExpires, defaultExpires > 0, maxContacts >= 1");
    }
    this.digest =
      o.users === undefined
        ? undefined
        : createDigestServer({
            realm: o.realm,
            ...(o.algorithms !== undefined ? { algorithms: o.algorithms } : {}),
            ...(o.nonceSecret !== undefined ? { secret: o.nonceSecret } : {}),
            ...(o.random !== undefined ? { random: o.random } : {}),
          });
  }

  aorOf(uri: Uri): string | undefined {
    if (uri.scheme !== "sip" && uri.scheme !== "sips") return undefined;
    const sip = uri as SipUri;
    return this.#isLocal(sip.host) ? canonicalAor(sip.user, this.realm) : undefined;
  }

  rollback(result: RegisterResult): void {
    if (result.aor === undefined || result.changes.length === 0) return;
    this.location.restore(result.aor, result.before);
    this.counters.rolledBack++;
  }

  handleRegister(request: SipRequest, flow: Flow, now: number): RegisterResult {
    this.counters.registers++;
    const toTag = randomHex(8, this.#random);
    const answer = (status: number, reason?: string, headers?: [string, string][], extra?: Partial<RegisterResult>): RegisterResult => ({
      response: createResponse(request, status, reason, { toTag, ...(headers ? { headers } : {}) }),
      status,
      aor: undefined,
      changes: [],
      before: [],
      user: undefined,
      ...extra,
    });

    // §10.3 step 3: the To header field contains the address of record.
    let toUri: Uri;
    try {
      toUri = request.to.uri;
    } catch {
      this.counters.badRequest++;
      return answer(400, "Bad To");
    }
    if (toUri.scheme !== "sip" && toUri.scheme !== "sips") {
      this.counters.badRequest++;
      return answer(400, "AOR Must Be A SIP URI");
    }
    // §10.3 step 3: "If the address-of-record is not valid for the domain in the Request-URI, the
    // registrar MUST send a 404 (Not Found) response".
    const aor = this.aorOf(toUri);
    if (aor === undefined) {
      this.counters.notFound++;
      return answer(404, "Not Found");
    }

    // §10.3 steps 4-6: authenticate, then check that the user may change this AOR's bindings.
    let user: string | undefined;
    if (this.digest !== undefined) {
      const r = this.digest.verify(request, now, this.#users!.ha1);
      if (!r.ok) {
        if (r.status === 400) {
          this.counters.badRequest++;
          return answer(400, "Malformed Credentials");
        }
        if (r.status === 500) return answer(500, "Server Internal Error");
        if (r.code === "UNKNOWN_USER" || r.code === "WRONG_RESPONSE") this.counters.authFailed++;
        else this.counters.challenged++;
        return answer(401, undefined, this.digest.challengeHeaders(now, { stale: r.stale }));
      }
      user = r.username;
      // §10.3 step 6: "the registrar ... MUST determine if the authorized user is authorized to
      // modify registrations for this address-of-record"; here a user owns the AOR of its name.
      if ((toUri as SipUri).user !== user) {
        this.counters.authFailed++;
        return answer(403, "Forbidden");
      }
    }

    let contacts: Contact[];
    let headerExpires: number | undefined;
    try {
      contacts = request.contact;
      headerExpires = request.expires;
    } catch {
      this.counters.badRequest++;
      return answer(400, "Bad Contact Or Expires");
    }
    const before = this.location.bindings(aor, now);
    const bound = (extra?: [string, string][]) => this.#ok(request, toTag, aor, now, extra);

    // §10.3 step 6: a REGISTER without Contact is a query: the current bindings are returned.
    if (contacts.length === 0) {
      this.counters.accepted++;
      return { ...bound(), aor, changes: [], before, user };
    }

    const callId = request.callId;
    const cseq = request.cseq.seq;

    // §10.2.2 / §10.3 step 6: "*" only alone and with Expires: 0, else 400.
    if (contacts.some((c) => c.wildcard)) {
      if (contacts.length !== 1 || headerExpires !== 0) {
        this.counters.badRequest++;
        return answer(400, "Wildcard Needs Expires 0");
      }
      // §10.3 step 6: each binding is removed unless a binding of the same Call-ID has a CSeq as high.
      if (before.some((b) => b.callId === callId && cseq <= b.cseq)) {
        this.counters.outOfOrder++;
        return answer(500, "Out Of Order CSeq", [["Retry-After", "1"]]);
      }
      const changes: BindingChange[] = before.map((b) => ({ type: "remove", aor, key: bindingKey(b) }));
      this.location.apply(changes);
      this.counters.accepted++;
      return { ...bound(), aor, changes, before, user };
    }

    // RFC 3327 §5.3: the Path vector is stored with the bindings, and returned in the 200 when the
    // client supports it.
    const path = request.headers("Path").flatMap(splitHeaderValues);
    const supported = request.supported;
    const viaCount = request.via.length;

    // RFC 5626 §6: outbound applies to a Contact with +sip.instance and reg-id, when the registrar
    // is the first hop or the Path's first URI has the "ob" parameter.
    const withRegId = (contacts as ContactAddress[]).filter((c) => c.params["reg-id"] !== undefined);
    let outbound = false;
    if (withRegId.length > 0) {
      if (withRegId.length > 1) {
        this.counters.badRequest++;
        return answer(400, "One reg-id Contact Per REGISTER");
      }
      const firstHop = viaCount <= 1;
      const obPath = path.length > 0 && /;\s*ob\b/i.test(path[0]!);
      if (!firstHop && !obPath) {
        // "if the REGISTER request contains the reg-id and the outbound option tag in a Supported
        // header field, then the registrar MUST respond ... with a 439"; otherwise reg-id is ignored.
        if (supported.includes("outbound")) {
          this.counters.firstHopLacksOutbound++;
          return answer(439, "First Hop Lacks Outbound Support");
        }
      } else {
        outbound = withRegId[0]!.params["+sip.instance"] !== undefined;
      }
    }

    // §10.3 step 7: the expiration of each contact: its parameter, else Expires, else our default;
    // 423 with Min-Expires for a non-zero request below the minimum.
    const requested: { c: ContactAddress; expires: number; key: string; regId: number | undefined; instanceId: string | undefined }[] = [];
    for (const c of contacts as ContactAddress[]) {
      const expires = c.expires ?? headerExpires ?? this.#default;
      if (expires !== 0 && expires < this.#min) {
        this.counters.intervalTooBrief++;
        return answer(423, "Interval Too Brief", [["Min-Expires", String(this.#min)]]);
      }
      const instance = c.params["+sip.instance"] ?? undefined;
      const instanceId = instance === undefined || instance === null ? undefined : unquote(instance);
      let regId: number | undefined;
      const rawRegId = c.params["reg-id"];
      if (outbound && rawRegId !== undefined) {
        regId = rawRegId === null || !/^\d{1,10}$/.test(rawRegId) ? NaN : Number(rawRegId);
        if (!(regId >= 1 && regId <= MAX_REG_ID)) {
          this.counters.badRequest++;
          return answer(400, "Bad reg-id");
        }
      }
      const contact = String(c.uri);
      requested.push({ c, expires: Math.min(expires, this.#max), key: bindingKey({ contact, instanceId, regId }), regId, instanceId });
    }
    if (requested.length > this.#maxContacts) {
      this.counters.tooManyContacts++;
      return answer(403, "Too Many Contacts");
    }

    // §10.3 step 7: an existing binding of the same Call-ID changes only with a higher CSeq.
    const current = new Map(before.map((b) => [bindingKey(b), b]));
    for (const r of requested) {
      const old = current.get(r.key);
      if (old !== undefined && old.callId === callId && cseq <= old.cseq) {
        this.counters.outOfOrder++;
        return answer(500, "Out Of Order CSeq", [["Retry-After", "1"]]);
      }
    }

    const changes: BindingChange[] = [];
    const next = new Map(current);
    const source = flowSource(flow);
    const userAgent = request.header("User-Agent");
    for (const r of requested) {
      if (r.expires === 0) {
        if (next.delete(r.key)) changes.push({ type: "remove", aor, key: r.key });
        continue;
      }
      const q = r.c.q ?? 1;
      const binding: Binding = {
        aor,
        contact: String(r.c.uri),
        q,
        expiresAt: now + r.expires * 1000,
        updatedAt: now,
        callId,
        cseq,
        path,
        instanceId: r.instanceId,
        regId: r.regId,
        source,
        flow,
        userAgent,
      };
      next.set(r.key, binding);
      changes.push({ type: "put", binding });
    }
    if (next.size > this.#maxContacts) {
      this.counters.tooManyContacts++;
      return answer(403, "Too Many Contacts");
    }
    this.location.apply(changes);
    this.counters.accepted++;

    const extra: [string, string][] = [];
    if (path.length > 0 && supported.includes("path")) for (const p of path) extra.push(["Path", p]);
    if (outbound) {
      // RFC 5626 §6: "the registrar MUST include the 'outbound' option tag in a Require header
      // field in its response"; Flow-Timer tells a stream client how often to send keep-alives.
      extra.push(["Require", "outbound"]);
      if (flow.reliable && this.#flowTimer > 0) extra.push(["Flow-Timer", String(this.#flowTimer)]);
    }
    return { ...bound(extra), aor, changes, before, user };
  }

  /** The 200 of §10.3 step 8: every current binding with its remaining time, and a Date. */
  #ok(request: SipRequest, toTag: string, aor: string, now: number, extra?: [string, string][]): Pick<RegisterResult, "response" | "status"> {
    const headers: [string, string][] = [];
    for (const b of this.location.lookup(aor, now)) {
      const left = Math.max(0, Math.ceil((b.expiresAt - now) / 1000));
      let v = `<${b.contact}>;expires=${left}`;
      if (b.q !== 1) v += `;q=${b.q}`;
      if (b.instanceId !== undefined) v += `;+sip.instance="${b.instanceId}"`;
      if (b.regId !== undefined) v += `;reg-id=${b.regId}`;
      headers.push(["Contact", v]);
    }
    headers.push(["Date", formatSipDate(now)]);
    if (extra) headers.push(...extra);
    return { response: createResponse(request, 200, "OK", { toTag, headers }), status: 200 };
  }
}


function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/**
 * Makes a registrar and its location service.
 *
 * ```ts
 * const registrar = createRegistrar({ realm: "example.com", users: createUserDirectory("example.com", [{ username: "alice", password: "pw" }]) });
 * const r = registrar.handleRegister(request, flow, wallClockNow);
 * await store.apply(r.changes);          // durable first (or registrar.rollback(r) and 500)
 * endpoint.respond(transaction, r.response);
 * ```
 */
export function createRegistrar(options: RegistrarOptions): Registrar {
  return new RegistrarImpl(options);
}
