/// <reference types="node" />
import { lookup, resolveNaptr, resolveSrv } from "node:dns/promises";
import type { AddressRecord, DnsResolver } from "../types.ts";

function empty(error: unknown): [] {
  const code = (error as { code?: string }).code;
  if (code === "ENOTFOUND" || code === "ENODATA" || code === "NXDOMAIN") return [];
  throw error;
}

/** Bun implements `node:dns` natively (c-ares), including `resolveSrv` and `resolveNaptr`. */
export const dns: DnsResolver = {
  async lookup(host) {
    try {
      const all = await lookup(host, { all: true });
      return all
        .map((a): AddressRecord => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))
        .sort((a, b) => a.family - b.family);
    } catch (error) {
      return empty(error);
    }
  },
  async resolveSrv(name) {
    try {
      return (await resolveSrv(name)).map((r) => ({ priority: r.priority, weight: r.weight, port: r.port, target: r.name }));
    } catch (error) {
      return empty(error);
    }
  },
  async resolveNaptr(name) {
    try {
      return (await resolveNaptr(name)).map((r) => ({
        order: r.order,
        preference: r.preference,
        flags: r.flags,
        service: r.service,
        regexp: r.regexp,
        replacement: r.replacement,
      }));
    } catch (error) {
      return empty(error);
    }
  },
};
