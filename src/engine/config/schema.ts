/**
 * The server's configuration: its schema (zod, so every value is checked and every problem is
 * named by its path), the defaults `siphon serve` runs with, and the resolved type the server
 * takes. A file (YAML or JSON), environment variables and flags fill it, in that order of
 * precedence (see `./load.ts`).
 */
import { z } from "zod";

const port = z.number().int().min(0).max(65535);
const expires = z.number().int().min(0).max(2 ** 31);

const user = z
  .object({
    username: z.string().min(1),
    password: z.string().min(1).optional(),
    ha1: z
      .object({ MD5: z.string().optional(), "SHA-256": z.string().optional(), "SHA-512-256": z.string().optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((u) => u.password !== undefined || u.ha1 !== undefined, { message: "needs a password or an ha1" });

/** The configuration schema; every key is optional in a file and has a default. Its output is a {@link ServerConfig}. */
export const configSchema: z.ZodType<ServerConfig, unknown> = z
  .object({
    /** Bind address of SIP, WebSocket and HTTP (an IP literal). */
    host: z.string().min(1).default("127.0.0.1"),
    /** The address written in Via and Contact when binding to 0.0.0.0 or behind a static NAT. */
    advertisedHost: z.string().min(1).optional(),
    /** The SIP domain and digest realm: AORs are `sip:user@<realm>`. */
    realm: z.string().min(1).default("siphon.local"),
    sip: z
      .object({
        /** UDP and TCP port. */
        port: port.default(5060),
        /** WebSocket (RFC 7118) port; 0 picks any free port; null turns WebSocket off. */
        wsPort: port.nullable().default(8080),
        /**
         * When a default port is taken, try the next ones (up to 20) and say so; off when a port
         * was given explicitly.
         */
        nextFreePort: z.boolean().default(true),
      })
      .strict()
      .default({ port: 5060, wsPort: 8080, nextFreePort: true }),
    http: z
      .object({
        /** Port of /metrics and /api; null turns HTTP off. */
        port: port.nullable().default(8088),
        host: z.string().min(1).optional(),
      })
      .strict()
      .default({ port: 8088 }),
    /** Directory of the SQLite file (`siphon.sqlite`). */
    data: z.string().min(1).default("./data"),
    storage: z
      .object({
        kind: z.enum(["sqlite", "memory"]).default("sqlite"),
        /** `normal`: survives a killed process; `full`: survives a power cut too (an fsync per commit). */
        synchronous: z.enum(["normal", "full"]).default("normal"),
      })
      .strict()
      .default({ kind: "sqlite", synchronous: "normal" }),
    /** Users, as passwords (hashed at start) or HA1s. Empty: the demo users, printed at start. */
    users: z.array(user).default([]),
    registrar: z
      .object({
        minExpires: expires.default(60),
        maxExpires: expires.default(3600),
        defaultExpires: expires.min(1).default(3600),
        maxContacts: z.number().int().min(1).max(1000).default(10),
        /** RFC 5626 Flow-Timer for outbound clients on streams, seconds; 0 leaves it out. */
        flowTimer: z.number().int().min(0).max(86400).default(120),
        /** Digest algorithms offered, most preferred first. */
        algorithms: z.array(z.enum(["MD5", "SHA-256", "SHA-512-256", "MD5-sess", "SHA-256-sess", "SHA-512-256-sess"])).min(1).default(["MD5"]),
      })
      .strict()
      .refine((r) => r.maxExpires >= r.minExpires, { message: "maxExpires must be at least minExpires" })
      .default({ minExpires: 60, maxExpires: 3600, defaultExpires: 3600, maxContacts: 10, flowTimer: 120, algorithms: ["MD5"] }),
    /** Pike-like limit per source address, and a ban list. */
    limits: z
      .object({
        /** Messages one address may send per window; null: no limit. */
        perAddress: z.number().int().min(1).nullable().default(200),
        windowMs: z.number().int().min(100).default(1000),
        /** How long an address over the limit is ignored. */
        banMs: z.number().int().min(0).default(60_000),
        /** Addresses never limited (exact IP literals). */
        trusted: z.array(z.string()).default([]),
        /** Addresses always ignored (exact IP literals). */
        banned: z.array(z.string()).default([]),
      })
      .strict()
      .default({ perAddress: 200, windowMs: 1000, banMs: 60_000, trusted: [], banned: [] }),
    media: z
      .object({
        /** RTP/RTCP port range, `MIN-MAX`. */
        rtpPorts: z
          .string()
          .regex(/^\d+-\d+$/, "must be MIN-MAX")
          .default("20000-29999"),
      })
      .strict()
      .default({ rtpPorts: "20000-29999" }),
    log: z
      .object({
        level: z.enum(["debug", "info", "warn", "error"]).default("info"),
        /** `text` for a terminal, `json` (one object a line) for a log collector. */
        format: z.enum(["text", "json"]).default("text"),
      })
      .strict()
      .default({ level: "info", format: "text" }),
    /** How long a stopping server lets calls end before it hangs them up, in ms. */
    shutdownGraceMs: z.number().int().min(0).max(600_000).default(10_000),
    /** Routing rules (see the routing engine), passed through as written. */
    routes: z.array(z.unknown()).default([]),
  })
  .strict();

/** A user as configured. */
export interface UserConfig {
  username: string;
  /** Hashed into HA1s at start, then dropped. */
  password?: string | undefined;
  /** Precomputed HA1s for the realm, by hash. */
  ha1?: { MD5?: string | undefined; "SHA-256"?: string | undefined; "SHA-512-256"?: string | undefined } | undefined;
}

/**
 * The resolved configuration of `siphon serve`: every default filled in. Written as YAML or JSON
 * with the same keys (every one optional); see README "Running a server".
 */
export interface ServerConfig {
  /** Bind address of SIP, WebSocket and HTTP. Default `127.0.0.1`. */
  host: string;
  /** The address written in Via and Contact when binding to 0.0.0.0 or behind a static NAT. */
  advertisedHost?: string | undefined;
  /** The SIP domain and digest realm: AORs are `sip:user@<realm>`. Default `siphon.local`. */
  realm: string;
  sip: {
    /** UDP and TCP port. Default 5060. */
    port: number;
    /** WebSocket port (RFC 7118), or null for none. Default 8080. */
    wsPort: number | null;
    /** Move on to the next free port when a default one is taken (and say so). */
    nextFreePort: boolean;
  };
  http: {
    /** Port of /metrics and /api, or null for none. Default 8088. */
    port: number | null;
    /** Bind address; default `host`. */
    host?: string | undefined;
  };
  /** Directory of the SQLite file. Default `./data`. */
  data: string;
  storage: { kind: "sqlite" | "memory"; synchronous: "normal" | "full" };
  /** Users; empty: the demo users. */
  users: UserConfig[];
  registrar: {
    minExpires: number;
    maxExpires: number;
    defaultExpires: number;
    maxContacts: number;
    flowTimer: number;
    algorithms: ("MD5" | "SHA-256" | "SHA-512-256" | "MD5-sess" | "SHA-256-sess" | "SHA-512-256-sess")[];
  };
  limits: {
    /** Messages one address may send per window, or null for no limit. Default 200. */
    perAddress: number | null;
    windowMs: number;
    banMs: number;
    trusted: string[];
    banned: string[];
  };
  media: { rtpPorts: string };
  log: { level: "debug" | "info" | "warn" | "error"; format: "text" | "json" };
  /** How long a stopping server lets calls end, in ms. Default 10 000. */
  shutdownGraceMs: number;
  /** Routing rules, as written. */
  routes: unknown[];
}
