/**
 * A binding of the location service (RFC 3261 §10): an address-of-record, one of its contact
 * addresses, and what the registrar learnt with it — expiry, q-value, the Call-ID and CSeq that made
 * it (§10.3 step 7), the Path vector (RFC 3327) and, for RFC 5626 outbound, the instance, the reg-id
 * and the flow the REGISTER came on.
 */
import type { Flow } from "../../transport/index.ts";

/** One contact address bound to an address-of-record. */
export interface Binding {
  /** The address-of-record in canonical form (`sip:user@domain`, see {@link canonicalAor}). */
  readonly aor: string;
  /** The contact URI as the user agent wrote it (its header parameters left out). */
  readonly contact: string;
  /** Preference among the AOR's contacts, 0 to 1 (RFC 3261 §10.2.1.2); 1 when none was given. */
  readonly q: number;
  /** When the binding expires, in ms since the epoch (wall time: bindings outlive the process). */
  readonly expiresAt: number;
  /** When the binding was last refreshed, in ms since the epoch. */
  readonly updatedAt: number;
  readonly callId: string;
  readonly cseq: number;
  /** The Path vector (RFC 3327 §5.3): the proxies a request to the contact must traverse, in order. */
  readonly path: readonly string[];
  /** `+sip.instance` (RFC 5626 §4.1), when given. */
  readonly instanceId?: string | undefined;
  /** `reg-id` (RFC 5626 §4.2), only when outbound processing applied to the registration. */
  readonly regId?: number | undefined;
  /**
   * Where the REGISTER came from, as `transport:host:port` (`udp:192.0.2.1:5060`): the flow's
   * remote end, kept across restarts for the requests that must reach a client behind a NAT.
   */
  readonly source: string;
  /**
   * The flow the REGISTER came on (RFC 5626 §5.2: requests for an outbound binding go over the
   * flow). Held in memory only: after a restart a binding has none until its next REGISTER.
   */
  readonly flow?: Flow | undefined;
  /** The User-Agent of the REGISTER, for the status API. */
  readonly userAgent?: string | undefined;
}

/** A change of the location service, in the order it was made: what a store writes. */
export type BindingChange =
  | { readonly type: "put"; readonly binding: Binding }
  | { readonly type: "remove"; readonly aor: string; readonly key: string };

/**
 * The identity of a binding within its AOR: instance and reg-id for an outbound registration
 * (RFC 5626 §6: a new registration with the same pair replaces the old one whatever its Contact),
 * else the contact URI (RFC 3261 §10.3 step 7, compared as text once canonical).
 */
export function bindingKey(b: Pick<Binding, "contact" | "instanceId" | "regId">): string {
  return b.regId !== undefined && b.instanceId !== undefined ? `ob:${b.instanceId}:${b.regId}` : `uri:${b.contact}`;
}

/** The `transport:host:port` source of a flow. */
export function flowSource(flow: Flow): string {
  return `${flow.transport.toLowerCase()}:${flow.remote.host}:${flow.remote.port}`;
}

/**
 * An address-of-record in canonical form: scheme, user and host, lower-cased host, no port or
 * parameters (RFC 3261 §10.3 step 5: "the URI MUST then be converted to a canonical form ... all
 * URI parameters MUST be removed (including the user-param), and any escaped characters MUST be
 * converted to their unescaped form"). `sips` binds the same AOR as `sip`.
 */
export function canonicalAor(user: string | undefined, host: string): string {
  return `sip:${user === undefined ? "" : `${user}@`}${host.toLowerCase()}`;
}
