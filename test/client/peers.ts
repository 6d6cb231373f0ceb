// Simulated peers for the user agent's tests, on the fake runtime's virtual network: user agents
// made on the fake runtime, and scripted SIP elements (a registrar, a callee) that answer what the
// test says.
import { createUserAgent } from "../../src/client/index.ts";
import type { UserAgent, UserAgentOptions } from "../../src/client/index.ts";
import { createResponse, parseMessage, serializeMessage } from "../../src/sip/index.ts";
import type { SipRequest, SipResponse } from "../../src/sip/index.ts";
import { fakeRuntime } from "../driver/fake-runtime.ts";

export type Fake = ReturnType<typeof fakeRuntime>;

/** A user agent on `host` of the fake network. */
export function agent(f: Fake, host: string, options: Partial<UserAgentOptions> = {}): Promise<UserAgent> {
  return createUserAgent({ runtime: f.rt, host, media: { codecs: ["pcmu"], ports: { min: 40000, max: 40100 } }, ...options });
}

/** A plain SDP answer for an offer, PCMU on `host`:`port`, in `direction`. */
export function sdpAnswer(host: string, port: number, direction = "sendrecv"): string {
  return `v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=${direction}\r\n`;
}

/** What a scripted element does with a request: the responses to send back (or none). */
export type Script = (request: SipRequest, reply: (status: number, init?: { headers?: [string, string][]; body?: string; toTag?: string; reason?: string }) => SipResponse) => void;

/**
 * A scripted SIP element on `host`:5060 (UDP): every request is recorded and given to `script`;
 * `reply` answers it (statelessly, to the address it came from).
 */
export async function scripted(f: Fake, host: string, script: Script) {
  const requests: SipRequest[] = [];
  const socket = await f.rt.udpBind({ host, port: 5060 }, {
    onMessage(data, from) {
      const m = parseMessage(new TextDecoder().decode(data));
      if (!m.isRequest) return;
      const request = m as SipRequest;
      requests.push(request);
      script(request, (status, init = {}) => {
        const response = createResponse(request, status, init.reason, {
          toTag: init.toTag ?? "peer1",
          headers: init.headers ?? [],
          ...(init.body !== undefined ? { body: init.body, contentType: "application/sdp" } : {}),
        });
        socket.send(serializeMessage(response), from.host, from.port);
        return response;
      });
    },
  });
  return { requests, socket, methods: () => requests.map((r) => r.method) };
}

/** Sends a request `text` from a scripted element to `to`. */
export function sendRaw(socket: { send(d: Uint8Array, h: string, p: number): void }, text: string, host: string, port: number): void {
  socket.send(new TextEncoder().encode(text), host, port);
}
