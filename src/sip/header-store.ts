/**
 * The header store of a SIP message: the token table of a parsed message (token-table.ts) until its
 * first change, the header list (fields.ts) after it, and the body. Typed accessors are in
 * message.ts.
 */
import {
  addField,
  fieldValues,
  firstFieldValue,
  removeFields,
  removeFirstFieldValue,
  setFields,
} from "./fields.ts";
import type { Field } from "./fields.ts";
import { H, headerId } from "./header-names.ts";
import { encodeBody } from "./pool.ts";
import type { TokenTable } from "./token-table.ts";
import type { HeaderField } from "./types.ts";

/** @internal What {@link SipHeaderStore._cached} returns for a header whose value is not cached. */
export const MISS: unique symbol = Symbol("not cached");

// ignoreBOM: a body may begin with U+FEFF, which must be kept.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * The header fields and body of a SIP message (RFC 3261 §7.3, §7.4): read by name, changed in
 * place. A parsed message reads its headers from the tokenizer's table until its first change, which
 * turns the table into a header list. `SipMessage` adds the typed accessors.
 */
export abstract class SipHeaderStore {
  /** @internal The token table while the message is parsed and unchanged; null once changed or built. */
  _tt: TokenTable | null;
  /** @internal The header list once materialized (built messages, or the first change). */
  _fields: Field[] | null;
  /** @internal */
  _body: Uint8Array;
  /**
   * @internal Parsed accessor values by header id, as pairs (id, value): a message caches a handful
   * of values, and a flat array costs a fraction of a Map's allocation and probe.
   */
  _cache: unknown[] | null = null;
  /** @internal The parsed message's text, kept for the raw line ranges of untouched fields. */
  _head: string | null = null;
  /** @internal The From tag, To tag and top Via branch once read (null: none); undefined until then. */
  _pFrom: string | null | undefined = undefined;
  /** @internal */
  _pTo: string | null | undefined = undefined;
  /** @internal */
  _pVia: string | null | undefined = undefined;

  /** @internal */
  constructor(tt: TokenTable | null, fields: Field[] | null, body: Uint8Array) {
    this._tt = tt;
    this._fields = fields;
    this._body = body;
  }

  /** @internal The cached value of header `id` (possibly undefined), or {@link MISS}. */
  _cached(id: number): unknown {
    const c = this._cache;
    if (c !== null) for (let i = 0; i < c.length; i += 2) if (c[i] === id) return c[i + 1];
    return MISS;
  }

  /** @internal Caches the parsed value of header `id`. */
  _store(id: number, value: unknown): void {
    const c = this._cache;
    if (c === null) this._cache = [id, value];
    else {
      for (let i = 0; i < c.length; i += 2) {
        if (c[i] === id) {
          c[i + 1] = value;
          return;
        }
      }
      c.push(id, value);
    }
  }

  /**
   * @internal Notes the From and To tags and the top Via branch of a message built from values the
   * builder knows them of (a dialog's local and remote URI, a Via it made with a new branch), so
   * that no scan reads them again. Undefined leaves a value to be scanned for.
   */
  _knownTags(fromTag: string | undefined, toTag: string | undefined, branch?: string): void {
    if (fromTag !== undefined) this._pFrom = fromTag;
    if (toTag !== undefined) this._pTo = toTag;
    if (branch !== undefined) this._pVia = branch;
  }

  /** @internal Whether the parsed bytes still serialize this message exactly. */
  get _pristine(): boolean {
    return this._tt !== null && this._tt.exact;
  }

  // ---- raw header access -------------------------------------------------------------------------

  /** @internal Values of every header with that id (or unknown lower-cased name). */
  _values(id: number, lname: string): string[] {
    return this._tt ? this._tt.values(id, lname, []) : fieldValues(this._fields!, id, lname, []);
  }

  /** @internal First value of the header with that id (known headers only). */
  _first(id: number): string | undefined {
    const tt = this._tt;
    if (tt) {
      const e = tt.find(id, "");
      return e < 0 ? undefined : tt.value(e);
    }
    return firstFieldValue(this._fields!, id);
  }

  /** @internal How many fields of known header `id` the message has. */
  _count(id: number): number {
    const tt = this._tt;
    if (tt) return tt.count(id);
    let n = 0;
    for (const f of this._fields!) if (f.id === id) n++;
    return n;
  }

  /**
   * @internal How many fields each known header id of `ids` has, into `out` (same order), in one
   * pass over the fields (the §8.1.1 checks count five headers of every new request).
   */
  _countEach(ids: readonly number[], out: number[]): void {
    const tt = this._tt;
    if (tt) {
      tt.countEach(ids, out);
      return;
    }
    for (let k = 0; k < ids.length; k++) out[k] = 0;
    const fields = this._fields!;
    for (let i = 0; i < fields.length; i++) {
      const id = fields[i]!.id;
      for (let k = 0; k < ids.length; k++) if (ids[k] === id) out[k]!++;
    }
  }

  /** The first value of a header (name case-insensitive; compact forms such as `v` match `Via`). */
  header(name: string): string | undefined {
    const id = headerId(name);
    if (id !== 0) return this._first(id);
    return this._values(0, name.toLowerCase())[0];
  }

  /** Every value of a header in order, one per header field line (lists in one line are not split). */
  headers(name: string): string[] {
    const id = headerId(name);
    return this._values(id, id === 0 ? name.toLowerCase() : "");
  }

  /** Whether the message has a header of that name. */
  hasHeader(name: string): boolean {
    return this.header(name) !== undefined;
  }

  /** Every header field in order; unknown headers verbatim, folding replaced by one space. */
  headerFields(): HeaderField[] {
    return this._materialize().map((f) => ({ name: f.name, value: f.value }));
  }

  /** @internal The header list, decoding it from the token table on first use. */
  _materialize(): Field[] {
    if (this._fields) return this._fields;
    const tt = this._tt!;
    this._fields = tt.fields();
    this._head = tt.head;
    return this._fields;
  }

  /** @internal Decodes the lazily read parts of the start line before the token table goes. */
  abstract _decodeStartLine(): void;

  /**
   * @internal Called before any change: header list materialized, the token table dropped, and the
   * cached values of header `id` forgotten (of every header when `id` is -1; of none for 0, an
   * unknown header or the body): a value parsed from an unchanged header stays valid.
   */
  _change(id = -1): Field[] {
    this._decodeStartLine();
    const f = this._materialize();
    this._tt = null;
    if (id < 0) {
      this._cache = null;
      this._pFrom = this._pTo = this._pVia = undefined;
    } else if (id > 0) {
      const c = this._cache;
      if (c !== null) {
        for (let i = 0; i < c.length; i += 2) {
          if (c[i] === id) {
            c.splice(i, 2);
            break;
          }
        }
      }
      if (id === H.FROM) this._pFrom = undefined;
      else if (id === H.TO) this._pTo = undefined;
      else if (id === H.VIA) this._pVia = undefined;
    }
    return f;
  }

  /**
   * Adds a header field: at the end, or with `prepend` before the first field of that name (the
   * place for a new top Via or Record-Route, RFC 3261 §16.6).
   */
  addHeader(name: string, value: string, opts?: { prepend?: boolean }): this {
    addField(this._change(headerId(name)), name, value, opts?.prepend === true);
    return this;
  }

  /** Replaces every field of that name with the given value(s), in the place of the first one. */
  setHeader(name: string, value: string | string[]): this {
    this._fields = setFields(this._change(headerId(name)), name, typeof value === "string" ? [value] : value);
    return this;
  }

  /** Removes every field of that name; returns how many were removed. */
  removeHeader(name: string): number {
    const fields = this._change(headerId(name));
    this._fields = removeFields(fields, name);
    return fields.length - this._fields.length;
  }

  /**
   * Removes the first comma-separated value of the first field of that name (the top Via of a
   * response at a proxy, RFC 3261 §16.7; the top Route, §16.4). Returns false when there is none.
   */
  removeFirstValue(name: string): boolean {
    return removeFirstFieldValue(this._change(headerId(name)), name);
  }

  // ---- body --------------------------------------------------------------------------------------

  /** The message body (a view of the parsed bytes for parsed messages). */
  get body(): Uint8Array {
    return this._body;
  }

  set body(b: Uint8Array) {
    this._change(0);
    this._body = b;
  }

  /** The body decoded as UTF-8. */
  get bodyText(): string {
    return utf8.decode(this._body);
  }

  /** Sets the body (a string is UTF-8 encoded) and, when given, the Content-Type. */
  setBody(body: Uint8Array | string, contentType?: string): this {
    this.body = typeof body === "string" ? encodeBody(body) : body;
    if (contentType !== undefined) this.setHeader("Content-Type", contentType);
    return this;
  }
}
