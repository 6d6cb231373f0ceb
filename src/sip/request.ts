import { failureError } from "./failure.ts";
import { fieldOf } from "./fields.ts";
import { ownText } from "./own-text.ts";
import type { Field } from "./fields.ts";
import { SipMessage } from "./message.ts";
import type { TokenTable } from "./token-table.ts";
import type { Uri } from "./types.ts";
import { formatUri, readUri } from "./uri.ts";

const EMPTY = new Uint8Array(0);

/**
 * A SIP request (RFC 3261 §7.1): `Method SP Request-URI SP SIP-Version`, headers, body. Made by
 * `parseMessage` or `createRequest`.
 */
export class SipRequest extends SipMessage {
  readonly isRequest = true as const;
  /** @internal */
  _method: string | undefined;
  /** @internal */
  _uriText: string | undefined;
  /** @internal */
  _uri: Uri | undefined;

  private constructor(tt: TokenTable | null, method: string | undefined, uriText: string | undefined, fields: Field[] | null, body: Uint8Array) {
    super(tt, fields, body);
    this._method = method;
    this._uriText = uriText;
  }

  /** @internal A parsed request, reading its start line from the token table when asked. */
  static parsed(tt: TokenTable): SipRequest {
    return new SipRequest(tt, undefined, undefined, null, tt.body());
  }

  /** @internal A request built from a header list (build.ts). */
  static built(method: string, uriText: string, fields: Field[], body: Uint8Array | undefined): SipRequest {
    return new SipRequest(null, method, uriText, fields, body ?? EMPTY);
  }

  /** The method, case-sensitive as written (RFC 3261 §7.1). */
  get method(): string {
    return (this._method ??= this._tt!.partA());
  }

  set method(m: string) {
    this._change();
    this._method = m;
  }

  /** The Request-URI as written. */
  get uriText(): string {
    return (this._uriText ??= this._tt!.partB());
  }

  /** The Request-URI, parsed on first use; set it with a Uri or a string. */
  get uri(): Uri {
    if (this._uri === undefined) {
      try {
        this._uri = readUri(this.uriText);
      } catch (e) {
        throw failureError(e, "Request-URI");
      }
    }
    return this._uri;
  }

  set uri(u: Uri | string) {
    const text = typeof u === "string" ? u : formatUri(u);
    this._change();
    this._uriText = text;
    this._uri = typeof u === "string" ? undefined : u;
  }

  /**
   * @internal A copy with this request's start line and only its header fields of header ids `ids`
   * (the same field objects, which are never changed in place; a field still pointing into the
   * parsed text gets a value of its own instead), and no body: what a transaction keeps of a
   * request it no longer sends but may still be asked for.
   */
  _reduced(ids: ReadonlySet<number>): SipRequest {
    this._decodeStartLine();
    const all = this._materialize();
    // A parsed request's start line and untouched fields are cut from its text.
    const parsed = this._head !== null;
    const kept: Field[] = [];
    for (let i = 0; i < all.length; i++) {
      const f = all[i]!;
      if (!ids.has(f.id)) continue;
      kept.push(f.raw < 0 ? f : fieldOf(f.id, f.name, ownText(f.value)));
    }
    const uri = parsed ? ownText(this.uriText) : this.uriText;
    return new SipRequest(null, parsed ? ownText(this.method) : this.method, uri, kept, EMPTY);
  }

  /** @internal */
  override _shed(): void {
    super._shed();
    this._uri = undefined;
  }

  startLine(): string {
    return `${this.method} ${this.uriText} SIP/2.0`;
  }

  /** @internal */
  _decodeStartLine(): void {
    void this.method;
    void this.uriText;
  }
}
