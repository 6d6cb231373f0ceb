/**
 * Header ids, canonical names and compact forms (RFC 3261 §7.3.3, §20). The list is
 * assembly/sip/abi.json, shared with the tokenizer, which resolves names to the same ids.
 */
import { COMPACT_FORMS, H, HEADER_NAMES } from "./abi.generated.ts";

export { H, HEADER_NAMES };

const BY_NAME = new Map<string, number>();
for (let i = 1; i < HEADER_NAMES.length; i++) BY_NAME.set(HEADER_NAMES[i]!.toLowerCase(), i);
for (const k in COMPACT_FORMS) BY_NAME.set(k, COMPACT_FORMS[k]!);
// The canonical spellings too (what the stack itself writes), so they resolve without a lower-cased copy.
for (let i = 1; i < HEADER_NAMES.length; i++) BY_NAME.set(HEADER_NAMES[i]!, i);

/** @internal Header id of a name (case-insensitive, compact forms resolved); 0 for an unknown header. */
export function headerId(name: string): number {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase()) ?? 0;
}

/** The canonical spelling of a known header name (`"call-id"`, `"i"` -> `"Call-ID"`), or the name as given. */
export function canonicalName(name: string): string {
  const id = headerId(name);
  return id === 0 ? name : HEADER_NAMES[id]!;
}
