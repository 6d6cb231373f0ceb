import { z } from "zod";
import { parsePrefix } from "./address-match.ts";
import { RoutingError } from "./errors.ts";

/**
 * How a rule matches a piece of text: a string is an exact match; `prefix` and `regex` (a
 * JavaScript regular expression, unanchored unless it says `^…$`) match the start or a pattern.
 * The groups of the first regex of a rule that matched are `$1`…`$9` in its templates.
 */
export type TextMatch = string | { readonly equals?: string; readonly prefix?: string; readonly regex?: string };

/** What a rule matches on; every field given must match (an empty match takes every call). */
export interface RouteMatch {
  /** The Request-URI as written (`sip:alice@example.com;transport=tcp`). */
  readonly uri?: TextMatch;
  /** The Request-URI's user part (`alice`, `+15551234`); empty when it has none. */
  readonly user?: TextMatch;
  /** The Request-URI's host, lower-cased. */
  readonly host?: TextMatch;
  /** The From URI as written. */
  readonly from?: TextMatch;
  /** The From URI's user part. */
  readonly fromUser?: TextMatch;
  /** The packet source: an address or CIDR prefix (IPv4 or IPv6), or several. */
  readonly source?: string | readonly string[];
}

/**
 * A routing rule: a match and one action — `location` (look the Request-URI up in the location
 * service: the proxy's job), `forward` (a B2BUA leg to a URI template), `gateway` (a B2BUA leg to a
 * configured gateway, with its credentials), `service` (a built-in or application service by name)
 * or `reject` (a final status). Templates take `${user}`, `${host}`, `${fromUser}` and `$1`…`$9`.
 */
export interface RouteRule {
  /** A name for logs and decisions. Default `rule N` (its position, from 1). */
  readonly name?: string;
  readonly match?: RouteMatch;
  readonly location?: true;
  /** A URI template, e.g. `sip:$1@pbx.example.com`. */
  readonly forward?: string;
  /** The name of a gateway of the configuration. */
  readonly gateway?: string;
  readonly service?: string;
  /** A final status 300–699, with a reason phrase or not. */
  readonly reject?: number | { readonly status: number; readonly reason?: string };
  /** For `gateway`: the user part of the Request-URI sent to it, a template. Default `${user}`. */
  readonly user?: string;
  /** For `forward` and `gateway`: relay RTP/SRTP through siphon. Default the gateway's, else the engine's. */
  readonly anchorMedia?: boolean;
}

/** A SIP gateway (a trunk): where it is and the account it knows us by. */
export interface GatewayConfig {
  /** Host name or address. */
  readonly host: string;
  readonly port?: number;
  readonly transport?: "udp" | "tcp" | "tls";
  /** Digest account (RFC 3261 §22) for its challenges. */
  readonly username?: string;
  readonly password?: string;
  /** The realm the account is for; default any realm the gateway names. */
  readonly realm?: string;
  /** Relay media through siphon for calls to it. */
  readonly anchorMedia?: boolean;
  /** SDES-SRTP towards it when anchored: `off`, `optional` (offer RTP/AVP with keys) or `mandatory` (RTP/SAVP). */
  readonly srtp?: "off" | "optional" | "mandatory";
}

/** The routing configuration: gateways by name, rules in order (the first match wins). */
export interface RoutingConfig {
  readonly gateways?: Readonly<Record<string, GatewayConfig>>;
  readonly rules: readonly RouteRule[];
}

const ACTIONS = ["location", "forward", "gateway", "service", "reject"] as const;

function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const textMatch = z.union([
  z.string(),
  z
    .strictObject({ equals: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() })
    .superRefine((m, ctx) => {
      const n = [m.equals, m.prefix, m.regex].filter((x) => x !== undefined).length;
      if (n !== 1) ctx.addIssue({ code: "custom", message: "give exactly one of equals, prefix, regex" });
      if (m.regex !== undefined) {
        const p = regexProblem(m.regex);
        if (p !== undefined) ctx.addIssue({ code: "custom", path: ["regex"], message: `not a regular expression: ${p}` });
      }
    }),
]);

const prefix = z.string().refine((s) => parsePrefix(s) !== undefined, { message: "not an IP address or CIDR prefix (e.g. 10.0.0.0/8, 2001:db8::/32)" });

const uriTemplate = z.string().regex(/^(sips?|tel):\S+$/, { message: "a URI template must start with sip:, sips: or tel: and have no spaces" });

const ruleSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    match: z
      .strictObject({
        uri: textMatch.optional(),
        user: textMatch.optional(),
        host: textMatch.optional(),
        from: textMatch.optional(),
        fromUser: textMatch.optional(),
        source: z.union([prefix, z.array(prefix).min(1)]).optional(),
      })
      .optional(),
    location: z.literal(true).optional(),
    forward: uriTemplate.optional(),
    gateway: z.string().min(1).optional(),
    service: z.string().min(1).optional(),
    reject: z
      .union([
        z.number().int().min(300).max(699),
        z.strictObject({ status: z.number().int().min(300).max(699), reason: z.string().regex(/^[^\r\n]*$/, { message: "a reason phrase is one line" }).optional() }),
      ])
      .optional(),
    user: z.string().regex(/^[^\s@]+$/, { message: "a user template has no spaces or @" }).optional(),
    anchorMedia: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    const given = ACTIONS.filter((a) => r[a] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: given.length === 0 ? `a rule needs one action: ${ACTIONS.join(", ")}` : `a rule has one action, not ${given.join(" and ")}`,
      });
    }
    if (r.user !== undefined && r.gateway === undefined) ctx.addIssue({ code: "custom", path: ["user"], message: "user applies to gateway rules only" });
  });

const gatewaySchema = z
  .strictObject({
    host: z.string().min(1).regex(/^[^\s:;@<>]+$|^\[[0-9a-fA-F:.]+\]$/, { message: "a host name or address, without port or parameters" }),
    port: z.number().int().min(1).max(65535).optional(),
    transport: z.enum(["udp", "tcp", "tls"]).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    realm: z.string().optional(),
    anchorMedia: z.boolean().optional(),
    srtp: z.enum(["off", "optional", "mandatory"]).optional(),
  })
  .superRefine((g, ctx) => {
    if ((g.username === undefined) !== (g.password === undefined)) ctx.addIssue({ code: "custom", message: "username and password go together" });
  });

/**
 * The zod schema of {@link RoutingConfig}: unknown keys refused, each rule with exactly one action,
 * regular expressions and CIDR prefixes checked, statuses 300–699, and every gateway a rule names
 * defined. The server's configuration schema embeds it (`routing: routingConfigSchema`).
 */
export const routingConfigSchema: z.ZodType<RoutingConfig> = z
  .strictObject({
    gateways: z.record(z.string().min(1), gatewaySchema).optional(),
    rules: z.array(ruleSchema),
  })
  .superRefine((c, ctx) => {
    c.rules.forEach((r, i) => {
      if (r.gateway !== undefined && c.gateways?.[r.gateway] === undefined) {
        ctx.addIssue({ code: "custom", path: ["rules", i, "gateway"], message: `no gateway "${r.gateway}" is defined (gateways: ${Object.keys(c.gateways ?? {}).join(", ") || "none"})` });
      }
    });
  }) as z.ZodType<RoutingConfig>;

/** `rules[2].match.user.regex` from a zod path. */
function pathText(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? String(p) : `.${String(p)}`;
  return s === "" ? "(routing)" : s;
}

/** The issues of a failed validation, one line each: `path: message`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${pathText(i.path)}: ${i.message}`);
}

/**
 * Validates a routing configuration (parsed JSON or YAML); throws {@link RoutingError} BAD_CONFIG
 * whose message lists every problem with its path (`rules[1].reject: …`).
 */
export function parseRoutingConfig(input: unknown): RoutingConfig {
  const r = routingConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = formatIssues(r.error);
  throw new RoutingError("BAD_CONFIG", `invalid routing configuration:\n  ${issues.join("\n  ")}`, { issues });
}
