import { parseUint, splitFields } from "./fields.ts";

/** `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1): `1234 cname:user@host`. */
export interface SdpSsrc {
  id: number;
  attribute: string;
  value?: string | undefined;
}

/** Parses an ssrc value, or returns undefined when it is malformed. */
export function parseSsrc(value: string): SdpSsrc | undefined {
  const sp = value.indexOf(" ");
  const id = parseUint(sp < 0 ? value : value.slice(0, sp), 0xffffffff);
  if (id < 0 || sp < 0) return undefined;
  const rest = value.slice(sp + 1).trimStart();
  if (!rest) return undefined;
  const colon = rest.indexOf(":");
  return colon < 0 ? { id, attribute: rest } : { id, attribute: rest.slice(0, colon), value: rest.slice(colon + 1) };
}

/** Formats an ssrc value. */
export function formatSsrc(s: SdpSsrc): string {
  return s.value === undefined ? `${s.id} ${s.attribute}` : `${s.id} ${s.attribute}:${s.value}`;
}

/** `a=ssrc-group:<semantics> <ssrc-id> ...` (RFC 5576 §4.2): `FID 1234 5678`. */
export interface SdpSsrcGroup {
  semantics: string;
  ssrcs: number[];
}

/** Parses an ssrc-group value, or returns undefined when it is malformed. */
export function parseSsrcGroup(value: string): SdpSsrcGroup | undefined {
  const f = splitFields(value);
  if (f.length < 1) return undefined;
  const ssrcs: number[] = [];
  for (let i = 1; i < f.length; i++) {
    const id = parseUint(f[i]!, 0xffffffff);
    if (id < 0) return undefined;
    ssrcs.push(id);
  }
  return { semantics: f[0]!, ssrcs };
}

/** Formats an ssrc-group value. */
export function formatSsrcGroup(g: SdpSsrcGroup): string {
  return [g.semantics, ...g.ssrcs].join(" ");
}
