import type { SdpOrigin } from "./fields.ts";
import type { RandomBytes } from "./sdes.ts";
import type { SessionDescription } from "./session-description.ts";

/** Adds one to a decimal digit string of any length (o= versions are 64-bit in practice). */
export function incrementDecimal(s: string): string {
  const d = s.split("");
  let i = d.length - 1;
  while (i >= 0 && d[i] === "9") d[i--] = "0";
  if (i < 0) d.unshift("1");
  else d[i] = String.fromCharCode(d[i]!.charCodeAt(0) + 1);
  return d.join("").replace(/^0+(?=\d)/, "");
}

/** The address type of an address: IP6 when it has a colon, else IP4 (RFC 8866 §5.7). */
export function addrTypeOf(address: string): "IP4" | "IP6" {
  return address.includes(":") ? "IP6" : "IP4";
}

/**
 * The o= of a new description. RFC 8866 §5.2 suggests an NTP timestamp for the id; any number
 * unique to the session does, so it is random (clock-free, as the layer must be). A following
 * description of the same session keeps username, id and address and bumps the version by one
 * (RFC 3264 §8: "the version in the origin field MUST increment by one").
 */
export function nextOrigin(
  address: string,
  random: RandomBytes,
  previous: SessionDescription | undefined,
  username = "-",
  sessionId?: string,
): SdpOrigin {
  if (previous) return { ...previous.origin, sessionVersion: incrementDecimal(previous.origin.sessionVersion) };
  let id = sessionId;
  if (id === undefined) {
    const b = random(4);
    // 31 bits keep the value positive in peers that store it in a signed 32-bit or 64-bit integer.
    id = `${(((b[0]! & 0x7f) << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0}`;
  }
  return { username, sessionId: id, sessionVersion: id, netType: "IN", addrType: addrTypeOf(address), address };
}
