/**
 * A per-address limit in the manner of Kamailio's pike module: each source address may send
 * `limit` messages per window; one that sends more is ignored for `banMs`, counted, and let back
 * afterwards. A ban list ignores addresses for good; trusted addresses are never limited.
 * Sans-I/O: {@link AddressLimiter.allow} takes the address and `now`. Memory is bounded: at most
 * `maxAddresses` are tracked, and windows that ended are forgotten first.
 */

/** Options of {@link AddressLimiter}. */
export interface AddressLimitOptions {
  /** Messages per window per address; undefined: no rate limit (the ban list still applies). */
  limit?: number | undefined;
  /** The window, ms. Default 1000. */
  windowMs?: number;
  /** How long an address over the limit is ignored, ms. Default 60 000. */
  banMs?: number;
  /** Addresses never limited. */
  trusted?: readonly string[];
  /** Addresses always ignored. */
  banned?: readonly string[];
  /** Most addresses tracked at once. Default 65 536. */
  maxAddresses?: number;
}

interface Window {
  start: number;
  count: number;
  bannedUntil: number;
}

/** Counts of the limiter's decisions. */
export interface AddressLimitCounters {
  /** Messages dropped: from a banned address, or over the limit. */
  dropped: number;
  /** Addresses banned for going over the limit. */
  bans: number;
  /** Messages dropped from addresses on the ban list. */
  droppedBanList: number;
}

/** See the module doc. */
export class AddressLimiter {
  readonly counters: AddressLimitCounters = { dropped: 0, bans: 0, droppedBanList: 0 };
  readonly #limit: number | undefined;
  readonly #window: number;
  readonly #banMs: number;
  readonly #trusted: ReadonlySet<string>;
  readonly #banned: Set<string>;
  readonly #max: number;
  readonly #table = new Map<string, Window>();

  constructor(o: AddressLimitOptions = {}) {
    this.#limit = o.limit;
    this.#window = o.windowMs ?? 1000;
    this.#banMs = o.banMs ?? 60_000;
    this.#trusted = new Set(o.trusted ?? []);
    this.#banned = new Set(o.banned ?? []);
    this.#max = o.maxAddresses ?? 65_536;
  }

  /** Addresses tracked now. */
  get tracked(): number {
    return this.#table.size;
  }

  /** Addresses under a ban at `now` (over the limit), for the status API. */
  bannedAt(now: number): string[] {
    const out: string[] = [];
    for (const [a, w] of this.#table) if (w.bannedUntil > now) out.push(a);
    return out;
  }

  /** Adds an address to the ban list (or, with `false`, removes it). */
  setBanned(address: string, banned = true): void {
    if (banned) this.#banned.add(address);
    else this.#banned.delete(address);
  }

  /** Whether a message from `address` at `now` may go on; counts it. */
  allow(address: string, now: number): boolean {
    if (this.#banned.has(address)) {
      this.counters.droppedBanList++;
      this.counters.dropped++;
      return false;
    }
    if (this.#limit === undefined || this.#trusted.has(address)) return true;
    let w = this.#table.get(address);
    if (w === undefined) {
      if (this.#table.size >= this.#max) this.#evict(now);
      w = { start: now, count: 0, bannedUntil: 0 };
      this.#table.set(address, w);
    }
    if (w.bannedUntil > now) {
      this.counters.dropped++;
      return false;
    }
    if (now - w.start >= this.#window) {
      w.start = now;
      w.count = 0;
    }
    if (++w.count > this.#limit) {
      w.bannedUntil = now + this.#banMs;
      this.counters.bans++;
      this.counters.dropped++;
      return false;
    }
    return true;
  }

  /** Frees room: windows that ended and bans that expired go; if none did, the oldest entry. */
  #evict(now: number): void {
    for (const [a, w] of this.#table) {
      if (w.bannedUntil <= now && now - w.start >= this.#window) this.#table.delete(a);
    }
    if (this.#table.size >= this.#max) this.#table.delete(this.#table.keys().next().value as string);
  }
}
