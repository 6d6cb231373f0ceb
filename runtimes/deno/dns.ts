/// <reference types="node" />
import { lookup } from "node:dns/promises";
import type { AddressRecord, DnsResolver } from "../types.ts";
import { deno } from "./deno-api.ts";

const bare = (name: string) => (name.endsWith(".") ? name.slice(0, -1) : name);

function empty(error: unknown): [] {
  const code = (error as { code?: string }).code;
  if (error instanceof deno().errors.NotFound || code === "ENOTFOUND" || code === "ENODATA") return [];
  throw error;
}

/**
 * SRV and NAPTR through `Deno.resolveDns` (native, stable). Host lookups through Deno's `node:dns`
 * `lookup`, which uses getaddrinfo and therefore the hosts file (`Deno.resolveDns` asks DNS servers only).
 */
export const dns: DnsResolver = {
  async lookup(host) {
    try {
      const all = await lookup(host, { all: true, order: "ipv4first" });
      return all.map((a): AddressRecord => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    } catch (error) {
      return empty(error);
    }
  },
  async resolveSrv(name) {
    try {
      const records = await deno().resolveDns(name, "SRV");
      return records.map((r) => ({ priority: r.priority, weight: r.weight, port: r.port, target: bare(r.target) }));
    } catch (error) {
      return empty(error);
    }
  },
  async resolveNaptr(name) {
    try {
      const records = await deno().resolveDns(name, "NAPTR");
      return records.map((r) => ({
        order: r.order,
        preference: r.preference,
        flags: r.flags,
        service: r.services,
        regexp: r.regexp,
        replacement: bare(r.replacement),
      }));
    } catch (error) {
      return empty(error);
    }
  },
};
