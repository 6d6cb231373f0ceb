import { splitFields } from "./fields.ts";

/**
 * `a=group:<semantics> *(SP <identification-tag>)` (RFC 5888 §5): `BUNDLE audio video` (RFC 9143)
 * or `LS 1 2`. The tags are the a=mid values of the grouped media sections.
 */
export interface SdpGroup {
  semantics: string;
  mids: string[];
}

/** Parses a group value, or returns undefined when it is empty. */
export function parseGroup(value: string): SdpGroup | undefined {
  const f = splitFields(value);
  return f.length === 0 ? undefined : { semantics: f[0]!, mids: f.slice(1) };
}

/** Formats a group value. */
export function formatGroup(g: SdpGroup): string {
  return [g.semantics, ...g.mids].join(" ");
}
