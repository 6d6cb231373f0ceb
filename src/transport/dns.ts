/**
 * The DNS lookups RFC 3263 server location needs (locate.ts). The transport layer declares them; the
 * runtime adapters implement them (`runtimes/<runtime>/dns.ts`), and tests fake them.
 */

/** An SRV record (RFC 2782). */
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  /** Target host name, without a trailing dot. */
  target: string;
}

/** A NAPTR record (RFC 3403). */
export interface NaptrRecord {
  order: number;
  preference: number;
  /** Flags, e.g. `"s"` (next lookup is SRV) or `"a"` (next lookup is A/AAAA). */
  flags: string;
  /** Service, e.g. `"SIP+D2U"`, `"SIPS+D2T"`. */
  service: string;
  regexp: string;
  /** Replacement domain, without a trailing dot. */
  replacement: string;
}

/** An address record, from A (`family` 4) or AAAA (`family` 6). */
export interface AddressRecord {
  address: string;
  family: 4 | 6;
}

/**
 * DNS lookups used by RFC 3263 server location. A name with no records of the type resolves to an
 * empty array; only transport failures (no server, timeout) reject.
 */
export interface DnsResolver {
  /** A and AAAA records (IPv4 first), including the hosts file where the runtime consults it. */
  lookup(host: string): Promise<AddressRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
}
