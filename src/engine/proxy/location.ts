import { tryParseUri } from "../../sip/index.ts";
import type { SipUri, Uri } from "../../sip/index.ts";
import type { TransactionFlow } from "../../transaction/index.ts";

/**
 * One place a request for an address of record may go (RFC 3261 §10.3, §16.5): a contact bound to
 * it, its q-value, the Path the registration carried (RFC 3327: Route values to put in front of the
 * request) and, for an RFC 5626 flow, the flow the contact registered over (the request then goes
 * over that very connection).
 */
export interface ProxyBinding<F extends TransactionFlow = TransactionFlow> {
  /** The contact URI, without angle brackets. */
  readonly contact: string;
  /** q-value, 0 to 1 (RFC 3261 §20.10); default 1. */
  readonly q?: number | undefined;
  /** Path values of the registration (RFC 3327 §5.3), in the order they came; each a name-addr or URI. */
  readonly path?: readonly string[] | undefined;
  /** The flow the binding registered over (RFC 5626 §5.3), when requests must go over it. */
  readonly flow?: F | undefined;
}

/**
 * The location service a proxy consults for Request-URIs in the domains it serves (RFC 3261 §16.5:
 * "the proxy MAY use any mechanism it wishes to determine the target set", typically "accessing a
 * location service updated by a registrar"). Synchronous: the proxy core routes within one input.
 * A registrar implements it structurally.
 */
export interface ProxyLocation<F extends TransactionFlow = TransactionFlow> {
  /**
   * The bindings of `aor` (the canonical address of record, `sip:user@host`, see
   * {@link addressOfRecord}) that are live at `now`; empty when it has none.
   */
  lookup(aor: string, now: number): readonly ProxyBinding<F>[];
}

/**
 * The address of record a Request-URI names (RFC 3261 §10.3 step 5: the URI "converted to the
 * canonical form sip:user@host", scheme kept, host lower-cased, port and parameters dropped).
 * Undefined for a URI that is not SIP or SIPS.
 */
export function addressOfRecord(uri: Uri): string | undefined {
  if (uri.scheme !== "sip" && uri.scheme !== "sips") return undefined;
  const u = uri as SipUri;
  return `${u.scheme}:${u.user === undefined ? "" : `${u.user}@`}${u.host.toLowerCase()}`;
}

/**
 * A location service from a fixed table: address of record (any SIP URI form) to one contact or
 * several. For tests, and for servers whose users sit at fixed addresses.
 *
 * ```ts
 * const location = createStaticLocation({
 *   "sip:bob@example.com": [{ contact: "sip:bob@192.0.2.4:5060", q: 1 }, { contact: "sip:bob@192.0.2.5", q: 0.5 }],
 *   "sip:carol@example.com": "sip:carol@192.0.2.6",
 * });
 * ```
 */
export function createStaticLocation<F extends TransactionFlow = TransactionFlow>(
  table: Readonly<Record<string, string | ProxyBinding<F> | readonly (string | ProxyBinding<F>)[]>>,
): ProxyLocation<F> & { set(aor: string, bindings: readonly (string | ProxyBinding<F>)[]): void } {
  const map = new Map<string, readonly ProxyBinding<F>[]>();
  const set = (aor: string, entries: readonly (string | ProxyBinding<F>)[]) => {
    const r = tryParseUri(aor);
    const key = r.ok ? addressOfRecord(r.value) : undefined;
    if (key === undefined) throw new TypeError(`createStaticLocation: ${aor} is not a SIP address of record`);
    map.set(key, entries.map((e) => (typeof e === "string" ? { contact: e } : e)));
  };
  for (const [aor, v] of Object.entries(table)) set(aor, typeof v === "string" || !Array.isArray(v) ? [v as string | ProxyBinding<F>] : v);
  return {
    lookup: (aor) => map.get(aor) ?? [],
    set,
  };
}
