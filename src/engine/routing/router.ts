import type { DigestAccount } from "../../auth/index.ts";
import type { RtpMediaOptions } from "../../driver/index.ts";
import type { SipUri, TelUri, Uri } from "../../sip/index.ts";
import type { CallAction, IncomingCall } from "../b2bua/index.ts";
import { inPrefix, parseAddress, parsePrefix } from "./address-match.ts";
import type { AddressPrefix } from "./address-match.ts";
import { parseRoutingConfig } from "./config.ts";
import type { GatewayConfig, RouteRule, RoutingConfig, TextMatch } from "./config.ts";

/** What a call is routed on. */
export interface RouteInput {
  /** The Request-URI (parsed, or as text). */
  readonly uri: Uri | string;
  /** The From URI (parsed, or as text). */
  readonly from?: Uri | string;
  /** The packet source address (IP literal). */
  readonly source?: string;
}

/** Where a call goes: the action of the first rule that matched, templates expanded. */
export type RouteDecision =
  | { readonly action: "location"; readonly rule: string }
  | { readonly action: "forward"; readonly rule: string; readonly uri: string; readonly anchorMedia: boolean | undefined }
  | {
    readonly action: "gateway";
    readonly rule: string;
    readonly gateway: string;
    readonly uri: string;
    readonly credentials: DigestAccount | undefined;
    readonly anchorMedia: boolean | undefined;
    readonly srtp: GatewayConfig["srtp"];
  }
  | { readonly action: "service"; readonly rule: string; readonly service: string }
  | { readonly action: "reject"; readonly rule: string; readonly status: number; readonly reason: string | undefined };

/** Routing rules ready to match; see {@link createRouter}. */
export interface Router {
  /** The decision of the first rule that matches, or undefined when none does. */
  route(input: RouteInput): RouteDecision | undefined;
  /** How many rules there are. */
  readonly size: number;
}

/** Longer text than this never matches a pattern: a bound on what a rule's regex is run on. */
const MAX_TEXT = 512;

type Matcher = (text: string, groups: string[][]) => boolean;

function textMatcher(m: TextMatch, fold: boolean): Matcher {
  const norm = (s: string) => (fold ? s.toLowerCase() : s);
  if (typeof m === "string" || m.equals !== undefined) {
    const want = norm(typeof m === "string" ? m : m.equals!);
    return (t) => norm(t) === want;
  }
  if (m.prefix !== undefined) {
    const want = norm(m.prefix);
    return (t) => norm(t).startsWith(want);
  }
  const re = new RegExp(m.regex!);
  return (t, groups) => {
    if (t.length > MAX_TEXT) return false;
    const r = re.exec(t);
    if (r === null) return false;
    groups.push([...r].map((g) => g ?? ""));
    return true;
  };
}

interface Compiled {
  readonly name: string;
  readonly rule: RouteRule;
  readonly tests: readonly [keyof Fields, Matcher][];
  readonly sources: readonly AddressPrefix[] | undefined;
}

interface Fields {
  uri: string;
  user: string;
  host: string;
  from: string;
  fromUser: string;
}

function fieldsOf(input: RouteInput): Fields {
  const uri = typeof input.uri === "string" ? input.uri : String(input.uri);
  const from = input.from === undefined ? "" : typeof input.from === "string" ? input.from : String(input.from);
  return { uri, ...userHost(input.uri), from, fromUser: userHost(input.from ?? "").user };
}

/** User and host of a sip/sips URI (tel: the number as the user), from a parsed URI or text. */
function userHost(u: Uri | string): { user: string; host: string } {
  if (typeof u !== "string") {
    if (u.scheme === "tel") return { user: (u as TelUri).number, host: "" };
    if (u.scheme === "sip" || u.scheme === "sips") return { user: (u as SipUri).user ?? "", host: (u as SipUri).host.toLowerCase() };
    return { user: "", host: "" };
  }
  const m = /^(?:sips?:|tel:)(?:([^@;?]*)@)?([^;?:>]*|\[[^\]]*\])/i.exec(u.replace(/^<|>$/g, ""));
  if (m === null) return { user: "", host: "" };
  if (/^tel:/i.test(u)) return { user: m[2] ?? "", host: "" };
  return { user: decodeURIComponent(m[1] ?? ""), host: (m[2] ?? "").toLowerCase() };
}

/** `${user}`, `${host}`, `${fromUser}` and `$1`…`$9` (the first regex's groups) in `template`. */
function expand(template: string, f: Fields, groups: readonly string[] | undefined): string {
  return template.replace(/\$\{(user|host|fromUser)\}|\$(\d)/g, (_, name: string | undefined, digit: string | undefined) => {
    if (name !== undefined) return f[name as keyof Fields];
    return groups?.[Number(digit)] ?? "";
  });
}

/**
 * Makes a router from a routing configuration (validated first: a bad one throws RoutingError
 * BAD_CONFIG with every problem and its path). Rules are tried in order; the first whose every
 * condition holds decides, its templates expanded with the call's fields. User parts match as
 * written; hosts without regard to case (RFC 3261 §19.1.4).
 */
export function createRouter(config: RoutingConfig | unknown): Router {
  const c = parseRoutingConfig(config);
  const compiled: Compiled[] = c.rules.map((rule, i) => {
    const tests: [keyof Fields, Matcher][] = [];
    const m = rule.match ?? {};
    for (const key of ["user", "uri", "host", "fromUser", "from"] as const) {
      const t = m[key];
      if (t !== undefined) tests.push([key, textMatcher(t, key === "host")]);
    }
    const src = m.source === undefined ? undefined : (typeof m.source === "string" ? [m.source] : m.source).map((s) => parsePrefix(s)!);
    return { name: rule.name ?? `rule ${i + 1}`, rule, tests, sources: src };
  });
  const gateways = c.gateways ?? {};
  return {
    size: compiled.length,
    route(input) {
      const f = fieldsOf(input);
      const source = input.source === undefined ? undefined : parseAddress(input.source);
      for (const r of compiled) {
        const groups: string[][] = [];
        if (!r.tests.every(([key, test]) => test(f[key], groups))) continue;
        if (r.sources !== undefined && (source === undefined || !r.sources.some((p) => inPrefix(source, p)))) continue;
        return decide(r, f, groups[0], gateways);
      }
      return undefined;
    },
  };
}

function decide(r: Compiled, f: Fields, groups: readonly string[] | undefined, gateways: Readonly<Record<string, GatewayConfig>>): RouteDecision {
  const rule = r.rule;
  const name = r.name;
  if (rule.location) return { action: "location", rule: name };
  if (rule.service !== undefined) return { action: "service", rule: name, service: rule.service };
  if (rule.reject !== undefined) {
    const rej = typeof rule.reject === "number" ? { status: rule.reject } : rule.reject;
    return { action: "reject", rule: name, status: rej.status, reason: rej.reason };
  }
  if (rule.forward !== undefined) return { action: "forward", rule: name, uri: expand(rule.forward, f, groups), anchorMedia: rule.anchorMedia };
  const g = gateways[rule.gateway!]!;
  const user = expand(rule.user ?? "${user}", f, groups);
  const host = g.host.includes(":") && !g.host.startsWith("[") ? `[${g.host}]` : g.host;
  const uri = `sip:${user === "" ? "" : `${user}@`}${host}${g.port !== undefined ? `:${g.port}` : ""}${g.transport !== undefined && g.transport !== "udp" ? `;transport=${g.transport}` : ""}`;
  const credentials: DigestAccount | undefined = g.username === undefined
    ? undefined
    : { username: g.username, password: g.password ?? "", ...(g.realm !== undefined ? { realm: g.realm } : {}) };
  return { action: "gateway", rule: name, gateway: rule.gateway!, uri, credentials, anchorMedia: rule.anchorMedia ?? g.anchorMedia, srtp: g.srtp };
}

/** Options of {@link routeCalls}. */
export interface RouteCallsOptions {
  /**
   * The location service (RFC 3261 §10): the contact URIs registered for an address of record.
   * Without it, `location` decisions are not the engine's (the proxy takes them): 404 here.
   */
  locate?(uri: string): readonly string[] | undefined | Promise<readonly string[] | undefined>;
}

/** The engine's action for a decision (undefined for `location`: see {@link routeCalls}). */
export function callAction(d: RouteDecision): CallAction | undefined {
  switch (d.action) {
    case "service":
      return { type: "service", service: d.service };
    case "reject":
      return { type: "reject", status: d.status, ...(d.reason !== undefined ? { reason: d.reason } : {}) };
    case "forward":
      return { type: "bridge", uri: d.uri, ...(d.anchorMedia !== undefined ? { anchorMedia: d.anchorMedia } : {}) };
    case "gateway": {
      const calleeMedia: RtpMediaOptions | undefined = d.srtp === undefined ? undefined : { srtp: d.srtp === "off" ? false : d.srtp === "mandatory" ? { mandatory: true } : {} };
      return {
        type: "bridge",
        uri: d.uri,
        ...(d.credentials !== undefined ? { credentials: d.credentials } : {}),
        ...(d.anchorMedia !== undefined ? { anchorMedia: d.anchorMedia } : {}),
        ...(calleeMedia !== undefined ? { calleeMedia } : {}),
      };
    }
    case "location":
      return undefined;
  }
}

/**
 * The call engine's `route` from a router: the Request-URI, From and source of each INVITE are
 * matched; a `location` decision bridges to the first contact the location service gives (a B2BUA
 * call to a registered user), or is 480 Temporarily Unavailable when none is registered (RFC 3261
 * §21.4.18); nothing matched is 404.
 */
export function routeCalls(router: Router, options: RouteCallsOptions = {}): (call: IncomingCall) => CallAction | undefined | Promise<CallAction | undefined> {
  return ({ request, source }) => {
    const d = router.route({ uri: request.uri, from: request.from.uri, source: source.host });
    if (d === undefined) return undefined;
    if (d.action !== "location") return callAction(d);
    const locate = options.locate;
    if (locate === undefined) return undefined;
    const found = (contacts: readonly string[] | undefined): CallAction =>
      contacts === undefined || contacts.length === 0 ? { type: "reject", status: 480 } : { type: "bridge", uri: contacts[0]! };
    const r = locate(request.uriText);
    return r instanceof Promise ? r.then(found) : found(r);
  };
}
