import type { Field } from "./fields.ts";
import { SipMessage } from "./message.ts";
import type { TokenTable } from "./token-table.ts";

const EMPTY = new Uint8Array(0);

/**
 * A SIP response (RFC 3261 §7.2): `SIP-Version SP Status-Code SP Reason-Phrase`, headers, body.
 * Made by `parseMessage` or `createResponse`.
 */
export class SipResponse extends SipMessage {
  readonly isRequest = false as const;
  /** @internal */
  _status: number;
  /** @internal */
  _reason: string | undefined;

  private constructor(tt: TokenTable | null, status: number, reason: string | undefined, fields: Field[] | null, body: Uint8Array) {
    super(tt, fields, body);
    this._status = status;
    this._reason = reason;
  }

  /** @internal A parsed response, reading its reason phrase from the token table when asked. */
  static parsed(tt: TokenTable): SipResponse {
    return new SipResponse(tt, tt.status(), undefined, null, tt.body());
  }

  /** @internal A response built from a header list (build.ts). */
  static built(status: number, reason: string, fields: Field[], body: Uint8Array | undefined): SipResponse {
    return new SipResponse(null, status, reason, fields, body ?? EMPTY);
  }

  /** Status code, 100..699. */
  get status(): number {
    return this._status;
  }

  set status(s: number) {
    this._change();
    this._status = s;
  }

  /** Reason phrase (may be empty, RFC 4475 §3.1.1.13). */
  get reason(): string {
    return (this._reason ??= this._tt!.partC());
  }

  set reason(r: string) {
    this._change();
    this._reason = r;
  }

  startLine(): string {
    return `SIP/2.0 ${this._status} ${this.reason}`;
  }

  /** @internal */
  _decodeStartLine(): void {
    void this.reason;
  }
}
