import { formatVia } from "../sip/index.ts";
import type { SipMessage, Via } from "../sip/index.ts";
import { normalizeHost } from "./address.ts";

/** Replaces the top Via value (the first value of the first Via field) by `via`. */
export function replaceTopVia(message: SipMessage, via: Via): void {
  message.removeFirstValue("Via");
  message.addHeader("Via", formatVia(via), { prepend: true });
}

/**
 * RFC 3261 §18.2.1: "When the server transport receives a request over any transport, it MUST
 * examine the value of the 'sent-by' parameter in the top Via header field value. If the host
 * portion of the 'sent-by' parameter contains a domain name, or if it contains an IP address that
 * differs from the packet source address, the server MUST add a 'received' parameter to that Via
 * header field value." RFC 3581 §4: with an empty `rport`, the server MUST set it to the source
 * port and MUST add `received` even when the address matches.
 *
 * Returns true when the top Via was changed.
 */
export function stampReceived(via: Via, sourceHost: string, sourcePort: number): boolean {
  const wantsRport = via.rport === true;
  const differs = normalizeHost(via.host) !== normalizeHost(sourceHost);
  if (!differs && !wantsRport) return false;
  via.received = sourceHost;
  if (wantsRport) via.rport = sourcePort;
  return true;
}

/**
 * The top Via a client transport writes (RFC 3261 §18.1.1): "the transport ... MUST fill in the
 * sent-by" and the transport it uses; the branch (and other parameters) stay the TU's, a new
 * magic-cookie branch (§8.1.1.7) when there was no Via. `rport` is asked for on UDP (RFC 3581 §3).
 */
export function clientVia(
  existing: Via | undefined,
  transport: string,
  sentByHost: string,
  sentByPort: number | undefined,
  rport: boolean,
  newBranch: () => string,
): Via {
  const params = existing ? { ...existing.params } : {};
  delete params["rport"];
  const via: Via = {
    protocol: "SIP/2.0",
    transport,
    host: sentByHost.includes(":") && !sentByHost.startsWith("[") ? `[${sentByHost}]` : sentByHost,
    params,
    branch: existing?.branch ?? newBranch(),
  };
  if (sentByPort !== undefined) via.port = sentByPort;
  if (rport) via.rport = true;
  return via;
}
