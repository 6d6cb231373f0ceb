/**
 * The users a registrar (or a proxy challenging callers) authenticates, kept as HA1s only (RFC 7616
 * §3.4.2: H(username ":" realm ":" password) per hash). A password given in the configuration is
 * hashed when the directory is made and dropped; nothing here keeps, prints or serializes one.
 */
import { digestHa1 } from "../../auth/index.ts";
import type { DigestHash, DigestIdentity } from "../../auth/index.ts";
import { ConfigError } from "../config/errors.ts";

/** A user as configured: a password (hashed at once) or the HA1s themselves. */
export interface UserInit {
  username: string;
  /** Hashed into an HA1 per hash when the directory is made, then dropped. */
  password?: string;
  /** Precomputed HA1s for the directory's realm, by hash (see `digestHa1`). */
  ha1?: Partial<Record<DigestHash, string>>;
}

/** The users of one realm. */
export interface UserDirectory {
  readonly realm: string;
  /** Number of users. */
  readonly size: number;
  /** The HA1 for the identity's user and hash (a `DigestHa1Lookup`), or undefined for an unknown user or realm. */
  ha1(identity: DigestIdentity): string | undefined;
  /** Whether `username` is a user here. */
  has(username: string): boolean;
  /** The usernames, sorted. */
  usernames(): string[];
}

const HASHES: readonly DigestHash[] = ["MD5", "SHA-256", "SHA-512-256"];
const HEX_LENGTH: Record<DigestHash, number> = { MD5: 32, "SHA-256": 64, "SHA-512-256": 64 };

/**
 * Makes the user directory of `realm`. Throws {@link ConfigError} BAD_CONFIG for a user without a
 * password or HA1, a repeated username, or an HA1 that is not hex of its hash's length.
 */
export function createUserDirectory(realm: string, users: readonly UserInit[]): UserDirectory {
  const table = new Map<string, Partial<Record<DigestHash, string>>>();
  users.forEach((u, i) => {
    const at = `users[${i}]`;
    if (typeof u.username !== "string" || u.username === "" || /[\x00-\x1f\x7f:]/.test(u.username)) {
      throw new ConfigError("BAD_CONFIG", `${at}.username: must be a non-empty string without control characters or ':'`);
    }
    if (table.has(u.username)) throw new ConfigError("BAD_CONFIG", `${at}.username: ${u.username} is listed twice`);
    const ha1: Partial<Record<DigestHash, string>> = {};
    for (const [hash, v] of Object.entries(u.ha1 ?? {}) as [DigestHash, string][]) {
      if (!HASHES.includes(hash)) throw new ConfigError("BAD_CONFIG", `${at}.ha1: unknown hash ${hash} (MD5, SHA-256, SHA-512-256)`);
      if (typeof v !== "string" || v.length !== HEX_LENGTH[hash] || !/^[0-9a-fA-F]+$/.test(v)) {
        throw new ConfigError("BAD_CONFIG", `${at}.ha1.${hash}: must be ${HEX_LENGTH[hash]} hex digits`);
      }
      ha1[hash] = v.toLowerCase();
    }
    if (u.password !== undefined) {
      for (const h of HASHES) ha1[h] ??= digestHa1(u.username, realm, u.password, h);
    }
    if (Object.keys(ha1).length === 0) throw new ConfigError("BAD_CONFIG", `${at}: ${u.username} needs a password or an ha1`);
    table.set(u.username, ha1);
  });
  return {
    realm,
    get size() {
      return table.size;
    },
    ha1: (id) => (id.realm === realm && !id.userhash ? table.get(id.username)?.[id.hash] : undefined),
    has: (username) => table.has(username),
    usernames: () => [...table.keys()].sort(),
  };
}
