/// <reference types="node" />
import { lookup, resolveNaptr, resolveSrv } from "node:dns/promises";
import type { AddressRecord, DnsResolver, NaptrRecord, SrvRecord } from "../types.ts";

/** "No such name" and "no records of that type" are answers (empty), not failures. */
function empty(error: unknown): [] {
  const code = (error as { code?: string }).code;
  if (code === "ENOTFOUND" || code === "ENODATA" || code === "NXDOMAIN") return [];
  throw error;
}

/**
 * `node:dns`, on Node and on Bun (which implements it natively on c-ares): `lookup` goes through
 * getaddrinfo (hosts file included), SRV and NAPTR ask the DNS. IPv4 first, sorted here because
 * Bun's `lookup` takes no `order`.
 */
export const dns: DnsResolver = {
  async lookup(host) {
    try {
      const all = await lookup(host, { all: true });
      return all.map((a): AddressRecord => ({ address: a.address, family: a.family === 6 ? 6 : 4 })).sort((a, b) => a.family - b.family);
    } catch (error) {
      return empty(error);
    }
  },
  async resolveSrv(name) {
    try {
      return (await resolveSrv(name)).map((r): SrvRecord => ({ priority: r.priority, weight: r.weight, port: r.port, target: r.name }));
    } catch (error) {
      return empty(error);
    }
  },
  async resolveNaptr(name) {
    try {
      return (await resolveNaptr(name)).map(
        (r): NaptrRecord => ({
          order: r.order,
          preference: r.preference,
          flags: r.flags,
          service: r.service,
          regexp: r.regexp,
          replacement: r.replacement,
        }),
      );
    } catch (error) {
      return empty(error);
    }
  },
};
