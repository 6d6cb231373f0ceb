/**
 * The header list of a message once it has been built or changed: fields in order, each with its
 * header id (header-names.ts), the name as written and the value. A parsed message reads its
 * headers from the tokenizer's table instead (token-table.ts) until its first change. Internal to
 * src/sip.
 */
import { H, headerId } from "./header-names.ts";
import { topLevelComma } from "./header-scan.ts";

/** A header field: id, name as written, value. */
export interface Field {
  id: number;
  name: string;
  value: string;
  /**
   * For a field decoded from the parsed bytes and not changed since: its whole line(s) in the
   * message text, [raw, rawEnd) with the line end, so serialization can copy runs of untouched lines.
   * -1 otherwise.
   */
  raw: number;
  rawEnd: number;
}

/** A new field (not from parsed bytes). */
export function field(name: string, value: string): Field {
  return { id: headerId(name), name, value, raw: -1, rawEnd: -1 };
}

/** A new field of known header `id` whose canonical name is `name` (no name lookup). */
export function fieldOf(id: number, name: string, value: string): Field {
  return { id, name, value, raw: -1, rawEnd: -1 };
}

/** Whether `f` is a field of header `id` (or, for an unknown header, of lower-cased name `lname`). */
function matches(f: Field, id: number, lname: string): boolean {
  return f.id === id && (id !== 0 || f.name.toLowerCase() === lname);
}

/**
 * The index of the first field of header `id` (an unknown header by `name`, compared
 * case-insensitively), or -1. A known header needs no lower-cased copy of its name.
 */
function indexOfField(fields: readonly Field[], id: number, name: string): number {
  const lname = id === 0 ? name.toLowerCase() : "";
  for (let i = 0; i < fields.length; i++) if (matches(fields[i]!, id, lname)) return i;
  return -1;
}

/** The values of every field of header `id` (or unknown `lname`), in order. */
export function fieldValues(fields: readonly Field[], id: number, lname: string, out: string[]): string[] {
  for (const f of fields) if (matches(f, id, lname)) out.push(f.value);
  return out;
}

/** The value of the first field of known header `id`. */
export function firstFieldValue(fields: readonly Field[], id: number): string | undefined {
  for (const f of fields) if (f.id === id) return f.value;
  return undefined;
}

/**
 * Adds a field: at the end, or with `prepend` before the first field of that name (the place for a
 * new top Via or Record-Route, RFC 3261 §16.6); a new top Via goes first of all.
 */
export function addField(fields: Field[], name: string, value: string, prepend: boolean): void {
  const f = field(name, value);
  if (prepend) {
    const i = indexOfField(fields, f.id, name);
    if (i >= 0) {
      fields.splice(i, 0, f);
      return;
    }
    if (f.id === H.VIA) {
      fields.unshift(f);
      return;
    }
  }
  fields.push(f);
}

/**
 * The list with every field of that name replaced by `values`, in the place of the first one:
 * `fields` itself, changed, or a new list.
 */
export function setFields(fields: Field[], name: string, values: readonly string[]): Field[] {
  const id = headerId(name);
  const lname = id === 0 ? name.toLowerCase() : "";
  // The usual cases (a header set once, or replaced by one value) change the list in place.
  let first = -1;
  let count = 0;
  for (let i = 0; i < fields.length; i++) {
    if (matches(fields[i]!, id, lname)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count === 0) {
    for (const v of values) fields.push({ id, name, value: v, raw: -1, rawEnd: -1 });
    return fields;
  }
  if (count === 1 && values.length === 1) {
    fields[first] = { id, name, value: values[0]!, raw: -1, rawEnd: -1 };
    return fields;
  }
  let at = fields.findIndex((f) => matches(f, id, lname));
  if (at < 0) at = fields.length;
  const kept = fields.filter((f) => !matches(f, id, lname));
  const before = fields.slice(0, at).filter((f) => !matches(f, id, lname)).length;
  kept.splice(before, 0, ...values.map((v) => ({ id, name, value: v, raw: -1, rawEnd: -1 })));
  return kept;
}

/** The list without the fields of that name. */
export function removeFields(fields: readonly Field[], name: string): Field[] {
  const id = headerId(name);
  const lname = name.toLowerCase();
  return fields.filter((f) => !matches(f, id, lname));
}

/**
 * Removes the first comma-separated value of the first field of that name (the top Via of a
 * response at a proxy, RFC 3261 §16.7; the top Route, §16.4). Returns false when there is none.
 */
export function removeFirstFieldValue(fields: Field[], name: string): boolean {
  const i = indexOfField(fields, headerId(name), name);
  if (i < 0) return false;
  const f = fields[i]!;
  const comma = topLevelComma(f.value);
  if (comma < 0) fields.splice(i, 1);
  else fields[i] = { id: f.id, name: f.name, value: f.value.slice(comma + 1).trim(), raw: -1, rawEnd: -1 };
  return true;
}
