/**
 * The client's configured secrets: accounts of a username and a password or precomputed HA1s,
 * each for one realm or for any (RFC 3261 §22.1: the realm tells the user agent which credentials
 * to use). Secrets stay in private fields; nothing here prints or serializes them.
 *
 * Internal to src/auth.
 */
import type { AlgorithmInfo, DigestHash } from "./algorithms.ts";
import { hasControl } from "./auth-params.ts";
import { AuthError } from "./errors.ts";
import { hashJoin, hexLength, MD5, SHA256, SHA512_256 } from "./hash.ts";
import type { HashId } from "./hash.ts";

/** A user's credentials as the client is configured with them. */
export interface DigestAccount {
  username: string;
  /** The password; the client hashes it per realm and algorithm and keeps only the HA1s. */
  password?: string;
  /**
   * Precomputed H(username ":" realm ":" password) per hash (see `digestHa1`), instead of the
   * password: the client answers only challenges whose hash has one. Requires `realm`.
   */
  ha1?: Partial<Record<DigestHash, string>>;
  /** The realm these credentials are for; absent: any realm without an account of its own. */
  realm?: string;
}

/** An account as the client keeps it. */
export interface Account {
  readonly username: string;
  readonly realm: string | undefined;
}

const HASHES: Record<DigestHash, HashId> = { MD5, "SHA-256": SHA256, "SHA-512-256": SHA512_256 };
/** HA1s computed from passwords, kept per account (a realm-less account meets any realm a server names). */
const MAX_DERIVED = 64;

interface Secret {
  readonly account: Account;
  readonly password: string | undefined;
  readonly ha1: Map<HashId, string>;
  readonly derived: Map<string, string>;
}

function bad(i: number, what: string): never {
  throw new AuthError("BAD_OPTION", `createDigestClient: credentials[${i}] ${what}`);
}

/** The configured accounts and the HA1s derived from their passwords. */
export class Accounts {
  readonly #secrets: Secret[] = [];

  constructor(accounts: readonly DigestAccount[]) {
    accounts.forEach((a, i) => {
      if (typeof a.username !== "string" || hasControl(a.username)) bad(i, "username must be a string without control characters");
      if (a.realm !== undefined && (typeof a.realm !== "string" || hasControl(a.realm))) bad(i, "realm must be a string without control characters");
      if (a.password !== undefined && typeof a.password !== "string") bad(i, "password must be a string");
      const ha1 = new Map<HashId, string>();
      for (const [name, v] of Object.entries(a.ha1 ?? {})) {
        const h = HASHES[name as DigestHash];
        if (h === undefined) bad(i, `ha1 has an unknown hash ${JSON.stringify(name)}`);
        if (typeof v !== "string" || v.length !== hexLength(h) || !/^[0-9a-fA-F]+$/.test(v)) bad(i, `ha1 for ${name} must be ${hexLength(h)} hex digits`);
        ha1.set(h, v.toLowerCase());
      }
      if (ha1.size > 0 && a.realm === undefined) bad(i, "with ha1 needs the realm the HA1s were computed for");
      if (ha1.size === 0 && a.password === undefined) bad(i, "needs a password or ha1");
      this.#secrets.push({ account: { username: a.username, realm: a.realm }, password: a.password, ha1, derived: new Map() });
    });
    if (this.#secrets.length === 0) throw new AuthError("BAD_OPTION", "createDigestClient: no credentials");
  }

  /** The account for `realm`: one configured for it, else one configured for any realm. */
  match(realm: string): Account | undefined {
    return this.#secret(realm)?.account;
  }

  #secret(realm: string): Secret | undefined {
    let any: Secret | undefined;
    for (const s of this.#secrets) {
      if (s.account.realm === realm) return s;
      if (s.account.realm === undefined) any ??= s;
    }
    return any;
  }

  /** Whether the account for `realm` can answer `alg`: a password, or an HA1 of its hash. */
  canAnswer(realm: string, alg: AlgorithmInfo): boolean {
    const s = this.#secret(realm);
    return s !== undefined && (s.password !== undefined || s.ha1.has(alg.hash));
  }

  /** H(A1) of RFC 7616 §3.4.2 for `realm` and the algorithm's hash, or undefined. */
  ha1(realm: string, alg: AlgorithmInfo): string | undefined {
    const s = this.#secret(realm);
    if (s === undefined) return undefined;
    const given = s.ha1.get(alg.hash);
    if (given !== undefined || s.password === undefined) return given;
    const key = alg.hash + realm;
    let v = s.derived.get(key);
    if (v === undefined) {
      v = hashJoin(alg.hash, [s.account.username, realm, s.password]);
      if (s.derived.size >= MAX_DERIVED) s.derived.delete(s.derived.keys().next().value as string);
      s.derived.set(key, v);
    }
    return v;
  }
}
