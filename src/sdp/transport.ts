import type { MediaDescription } from "./media-description.ts";
import type { SessionDescription } from "./session-description.ts";

/** Where a peer's description asks for RTP and RTCP on one stream. */
export interface RemoteTransport {
  remoteAddress: string;
  remotePort: number;
  remoteRtcpAddress: string;
  remoteRtcpPort: number;
}

/**
 * The peer's RTP address (the media c=, else the session c=, RFC 8866 §5.7) and port, and its RTCP
 * address: a=rtcp when present (RFC 3605 §2.1), the RTP port itself with rtcp-mux (RFC 5761
 * §5.1.1), else the next port up (RFC 3550 §11: "the next higher (odd) port number").
 */
export function remoteTransport(sdp: SessionDescription, m: MediaDescription, rtcpMux: boolean): RemoteTransport {
  const address = sdp.connectionOf(m)?.address ?? "";
  const rtcp = m.rtcp;
  const rtcpPort = rtcp?.port ?? (rtcpMux ? m.port : m.port + 1);
  return { remoteAddress: address, remotePort: m.port, remoteRtcpAddress: rtcp?.address ?? address, remoteRtcpPort: rtcpPort };
}
