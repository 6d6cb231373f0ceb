// Bad input from the network: out-of-order, duplicated or contradictory messages are answered per
// the RFC or absorbed and counted; nothing throws, hangs or stays behind.
import { describe, expect, it } from "vitest";
import { createResponse, tryParseMessage, type SipRequest, type SipResponse } from "../../src/sip/index.ts";
import { formatFake } from "./fake-media.ts";
import type { InviteSession } from "../../src/session/index.ts";
import { prng } from "../prng.ts";
import { ALICE, autoAnswer, RawPeer, SimAgent, SimNet, type SimFlow } from "./harness.ts";

const PEER = "client.atlanta.example.com";
const BOBHOST = "client.biloxi.example.com";
const OFFER = formatFake({ owner: "raw", version: 1, direction: "sendrecv", codecs: ["PCMU"] });

interface MsgInit {
  method: string;
  uri?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  cseq?: number;
  branch?: string;
  headers?: string[];
  body?: string;
  contentType?: string;
  contact?: boolean;
}

let branches = 0;
/** A request from the raw peer, as text. */
function msg(o: MsgInit): string {
  const body = o.body ?? "";
  const lines = [
    `${o.method} ${o.uri ?? "sip:bob@client.biloxi.example.com"} SIP/2.0`,
    `Via: SIP/2.0/UDP ${PEER};branch=${o.branch ?? `z9hG4bKraw${++branches}`}`,
    "Max-Forwards: 70",
    `From: Alice <sip:alice@atlanta.example.com>;tag=${o.fromTag ?? "rawtag"}`,
    `To: Bob <sip:bob@biloxi.example.com>${o.toTag !== undefined ? `;tag=${o.toTag}` : ""}`,
    `Call-ID: ${o.callId ?? "raw-call"}`,
    `CSeq: ${o.cseq ?? 1} ${o.method}`,
    ...(o.contact === false ? [] : ["Contact: <sip:alice@client.atlanta.example.com>"]),
    ...(o.headers ?? []),
    ...(body !== "" ? [`Content-Type: ${o.contentType ?? "application/sdp"}`] : []),
    `Content-Length: ${body.length}`,
    "",
    body,
  ];
  return lines.join("\r\n");
}

function world() {
  const net = new SimNet({ delay: 5 });
  const peer = new RawPeer(net, PEER);
  const bob = new SimAgent(net, "bob", BOBHOST);
  return { net, peer, bob };
}

/** The raw peer calls Bob (who answers at once) and ACKs; returns the dialog's tags. */
function rawCall(net: SimNet, peer: RawPeer, bob: SimAgent, callId = "raw-call"): { bobTag: string } {
  autoAnswer(bob, { ring: false, ringMs: 0 });
  peer.send(msg({ method: "INVITE", callId, body: OFFER }), BOBHOST);
  net.runFor(100);
  const ok = peer.responses(200).find((r) => r.callId === callId)!;
  const bobTag = ok.toTag!;
  peer.send(msg({ method: "ACK", callId, toTag: bobTag, uri: "sip:bob@client.biloxi.example.com" }), BOBHOST);
  net.runFor(100);
  expect(bob.incoming().state).toBe("confirmed");
  return { bobTag };
}

const last = (peer: RawPeer): SipResponse => peer.responses().at(-1)!;

describe("bad input to the session core", () => {
  it("RFC 3261 §17.1.1.3: an ACK without an INVITE is absorbed, counted, and answered with nothing", () => {
    const { net, peer, bob } = world();
    peer.send(msg({ method: "ACK", toTag: "nobody" }), BOBHOST);
    peer.send(msg({ method: "ACK" }), BOBHOST);
    net.run();
    expect(peer.received).toHaveLength(0);
    expect(bob.core.counters.stray).toBe(2);
    expect(bob.idle, bob.holding).toBe(true);
  });

  it("RFC 3261 §12.2.2, §15.1.2: a BYE for an unknown dialog, or without a To tag, gets 481", () => {
    const { net, peer, bob } = world();
    peer.send(msg({ method: "BYE", toTag: "unknown" }), BOBHOST);
    peer.send(msg({ method: "BYE", callId: "other" }), BOBHOST);
    peer.send(msg({ method: "UPDATE", toTag: "unknown" }), BOBHOST);
    net.run();
    expect(peer.responses().map((r) => r.status)).toEqual([481, 481, 481]);
    expect(bob.core.counters.answered[481]).toBe(3);
    expect(bob.idle, bob.holding).toBe(true);
  });

  it("RFC 3262 §3: a PRACK whose RAck matches no unacknowledged reliable 1xx gets 481; a malformed RAck gets 400; the right one 200", () => {
    const { net, peer, bob } = world();
    bob.onEvent = (e, now) => {
      if (e.type === "incoming") e.session.ring(now, { reliable: true });
    };
    peer.send(msg({ method: "INVITE", body: OFFER, headers: ["Supported: 100rel"] }), BOBHOST);
    net.runFor(50);
    const ringing = peer.responses(180)[0]!;
    const rseq = ringing.rseq!;
    const tag = ringing.toTag!;
    peer.send(msg({ method: "PRACK", toTag: tag, cseq: 2, headers: [`RAck: ${rseq + 1} 1 INVITE`] }), BOBHOST);
    peer.send(msg({ method: "PRACK", toTag: tag, cseq: 3, headers: [`RAck: ${rseq} 7 INVITE`] }), BOBHOST);
    peer.send(msg({ method: "PRACK", toTag: tag, cseq: 4, headers: ["RAck: one two"] }), BOBHOST);
    peer.send(msg({ method: "PRACK", toTag: tag, cseq: 5, headers: [`RAck: ${rseq} 1 INVITE`] }), BOBHOST);
    net.runFor(50);
    const pracks = peer.responses().filter((r) => r.cseq.method === "PRACK").map((r) => r.status);
    expect(pracks).toEqual([481, 481, 400, 200]);
    expect(bob.incoming().state).toBe("early");
  });

  it("RFC 3261 §13.2.2.4: a 2xx whose session description the media handler refuses is ACKed, then the session ends with BYE", () => {
    const net = new SimNet({ delay: 5 });
    const bobPeer = new RawPeer(net, BOBHOST);
    const alice = new SimAgent(net, "alice", PEER);
    const s = alice.core.invite({ from: ALICE, to: "<sip:bob@client.biloxi.example.com>" }, net.now);
    net.runFor(20);
    const invite = bobPeer.requests("INVITE")[0]!;
    const ok = createResponse(invite, 200, "OK", {
      toTag: "b1",
      headers: [["Contact", "<sip:bob@client.biloxi.example.com>"]],
      body: "this is not a session description",
      contentType: "application/sdp",
    });
    bobPeer.send(ok, PEER);
    net.runFor(20);
    expect(bobPeer.requests("ACK")).toHaveLength(1);
    const bye = bobPeer.requests("BYE")[0]!;
    expect(bye.toTag).toBe("b1");
    const ended = alice.of("terminated")[0]!;
    expect([ended.reason, ended.by]).toEqual(["media", "local"]);
    bobPeer.send(createResponse(bye, 200), PEER);
    net.run();
    expect(s.state).toBe("terminated");
    expect(alice.idle, alice.holding).toBe(true);
  });

  it("RFC 3311 §5.2: an UPDATE with an offer while the INVITE's offer is unanswered gets 500 with Retry-After 0–10", () => {
    const { net, peer, bob } = world();
    bob.onEvent = (e, now) => {
      if (e.type === "incoming") e.session.ring(now);
    };
    peer.send(msg({ method: "INVITE", body: OFFER }), BOBHOST);
    net.runFor(50);
    const tag = peer.responses(180)[0]!.toTag!;
    peer.send(msg({ method: "UPDATE", toTag: tag, cseq: 2, body: OFFER }), BOBHOST);
    net.runFor(50);
    const refused = last(peer);
    expect([refused.status, refused.cseq.method]).toEqual([500, "UPDATE"]);
    const ra = Number(refused.header("Retry-After"));
    expect(ra >= 0 && ra <= 10).toBe(true);
    expect(bob.incoming().state).toBe("early");
  });

  it("RFC 3261 §12.2.2: a request with a CSeq lower than the last one in the dialog gets 500", () => {
    const { net, peer, bob } = world();
    const { bobTag } = rawCall(net, peer, bob);
    peer.send(msg({ method: "UPDATE", toTag: bobTag, cseq: 5 }), BOBHOST);
    peer.send(msg({ method: "UPDATE", toTag: bobTag, cseq: 3 }), BOBHOST);
    net.runFor(50);
    expect(peer.responses().filter((r) => r.cseq.method === "UPDATE").map((r) => r.status)).toEqual([200, 500]);
  });

  it("RFC 3261 §8.2.2.3, §8.2.3: an unsupported Require gets 420 with Unsupported; an unknown body type 415 with Accept", () => {
    const { net, peer, bob } = world();
    peer.send(msg({ method: "INVITE", callId: "c1", body: OFFER, headers: ["Require: foo, 100rel"] }), BOBHOST);
    peer.send(msg({ method: "INVITE", callId: "c2", body: "hello", contentType: "text/plain" }), BOBHOST);
    net.run();
    const [r420, r415] = [peer.responses(420)[0]!, peer.responses(415)[0]!];
    expect(r420.header("Unsupported")).toBe("foo");
    expect(r415.header("Accept")).toBe("application/sdp");
    expect(bob.types()).toEqual([]);
    expect(bob.idle, bob.holding).toBe(true);
  });

  it("RFC 3261 §13.3.1.3, §21.4.26: a broken session description or one without a common codec gets 488 with a Warning", () => {
    const { net, peer, bob } = world();
    peer.send(msg({ method: "INVITE", callId: "c1", body: "v=0\r\nbroken" }), BOBHOST);
    peer.send(msg({ method: "INVITE", callId: "c2", body: formatFake({ owner: "raw", version: 1, direction: "sendrecv", codecs: ["GSM"] }) }), BOBHOST);
    net.run();
    // The raw peer does not ACK, so each 488 is sent again (Timer G): the first of each call counts.
    const warnings = ["c1", "c2"].map((id) => peer.responses(488).find((r) => r.callId === id)!.header("Warning"));
    expect(warnings).toEqual(['399 siphon "malformed session description"', '305 siphon "Incompatible media format"']);
    expect(bob.types()).toEqual([]);
    expect(bob.media.every((m) => m.closed)).toBe(true);
    expect(bob.idle, bob.holding).toBe(true);
  });

  it("RFC 3261 §8.1.1.8, §8.2.1, RFC 4028 §8.1: no Contact → 400; unknown method → 501; SUBSCRIBE → 405; bad or small Session-Expires → 400 / 422", () => {
    const { net, peer, bob } = world();
    peer.send(msg({ method: "INVITE", callId: "c1", body: OFFER, contact: false }), BOBHOST);
    peer.send(msg({ method: "FOO", callId: "c2" }), BOBHOST);
    peer.send(msg({ method: "SUBSCRIBE", callId: "c3", headers: ["Event: presence"] }), BOBHOST);
    peer.send(msg({ method: "INVITE", callId: "c4", body: OFFER, headers: ["Session-Expires: soon"] }), BOBHOST);
    peer.send(msg({ method: "INVITE", callId: "c5", body: OFFER, headers: ["Session-Expires: 30"] }), BOBHOST);
    net.run();
    const byCall = (id: string) => peer.responses().find((r) => r.callId === id && r.status >= 200)!;
    expect(byCall("c1").status).toBe(400);
    expect(byCall("c2").status).toBe(501);
    expect(byCall("c3").status).toBe(405);
    expect(byCall("c3").header("Allow")).toBe("INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE");
    expect(byCall("c4").status).toBe(400);
    expect([byCall("c5").status, byCall("c5").header("Min-SE")]).toEqual([422, "90"]);
    expect(bob.types()).toEqual([]);
    expect(bob.idle, bob.holding).toBe(true);
  });

  it("RFC 3261 §11.2: OPTIONS is answered 200 with Allow, Accept and Supported", () => {
    const { net, peer, bob } = world();
    peer.send(msg({ method: "OPTIONS" }), BOBHOST);
    net.run();
    const ok = peer.responses(200)[0]!;
    expect(ok.header("Allow")).toBe("INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE");
    expect(ok.header("Accept")).toBe("application/sdp");
    expect(ok.header("Supported")).toBe("100rel, timer");
    expect(bob.idle).toBe(true);
  });

  it("RFC 6665 §4.1.3, RFC 3261 §8.2.1: in an INVITE dialog a NOTIFY gets 481 and a REFER 405; an INFO nobody takes 405", () => {
    const { net, peer, bob } = world();
    const { bobTag } = rawCall(net, peer, bob);
    peer.send(msg({ method: "NOTIFY", toTag: bobTag, cseq: 2, headers: ["Event: refer", "Subscription-State: active"] }), BOBHOST);
    peer.send(msg({ method: "REFER", toTag: bobTag, cseq: 3, headers: ["Refer-To: <sip:carol@example.com>"] }), BOBHOST);
    peer.send(msg({ method: "INFO", toTag: bobTag, cseq: 4 }), BOBHOST);
    net.runFor(50);
    expect(peer.responses().slice(-3).map((r) => [r.cseq.method, r.status])).toEqual([["NOTIFY", 481], ["REFER", 405], ["INFO", 405]]);
    expect(bob.incoming().state).toBe("confirmed");
  });

  it("RFC 3261 §9.2: a CANCEL that matches nothing gets 481; stray responses are absorbed", () => {
    const { net, peer, bob } = world();
    peer.send(msg({ method: "CANCEL" }), BOBHOST);
    const stray = createResponse(
      (tryParseMessage(msg({ method: "INVITE" })) as { ok: true; value: SipRequest }).value,
      200,
      "OK",
      { toTag: "x" },
    );
    peer.send(stray, BOBHOST);
    net.run();
    expect(peer.responses().map((r) => r.status)).toEqual([481]);
    expect(bob.core.counters.stray).toBe(1);
    expect(bob.idle, bob.holding).toBe(true);
  });

  it("RFC 3261 §8.2: mutated requests and responses never throw out of the core, and leave nothing behind", () => {
    const random = prng(42);
    const base = [
      msg({ method: "INVITE", callId: "m", body: OFFER, headers: ["Supported: 100rel, timer", "Session-Expires: 1800", "Min-SE: 90"] }),
      msg({ method: "BYE", callId: "m", toTag: "t", cseq: 2 }),
      msg({ method: "PRACK", callId: "m", toTag: "t", cseq: 2, headers: ["RAck: 1 1 INVITE"] }),
      msg({ method: "UPDATE", callId: "m", toTag: "t", cseq: 3, body: OFFER }),
      msg({ method: "ACK", callId: "m", toTag: "t" }),
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP client.biloxi.example.com;branch=z9hG4bKx\r\nFrom: <sip:b@b>;tag=1\r\nTo: <sip:a@a>;tag=2\r\nCall-ID: m\r\nCSeq: 1 INVITE\r\nContact: <sip:a@a>\r\nContent-Length: 0\r\n\r\n",
    ];
    const net = new SimNet();
    const bob = new SimAgent(net, "bob", BOBHOST);
    autoAnswer(bob, { ringMs: 10, reliable: true });
    const flow: SimFlow = { transport: "UDP", reliable: false, peer: PEER };
    let fed = 0;
    for (let i = 0; i < 3000; i++) {
      const lines = base[Math.floor(random() * base.length)]!.split("\r\n");
      const n = 1 + Math.floor(random() * 3);
      for (let k = 0; k < n; k++) {
        const at = 1 + Math.floor(random() * (lines.length - 3));
        const line = lines[at]!;
        const cut = Math.floor(random() * (line.length + 1));
        switch (Math.floor(random() * 4)) {
          case 0:
            lines.splice(at, 1);
            break;
          case 1:
            lines[at] = line.slice(0, cut);
            break;
          case 2:
            lines[at] = line.slice(0, cut) + String.fromCharCode(32 + Math.floor(random() * 95)) + line.slice(cut);
            break;
          default:
            lines[at] = line.replace(/\d+/, String(Math.floor(random() * 1e6)));
        }
      }
      const text = lines.join("\r\n").replace(/Content-Length: \d+/, (m) => m);
      const parsed = tryParseMessage(text);
      if (!parsed.ok) continue;
      fed++;
      bob.core.handleMessage(parsed.value, flow, net.now);
      net.pump();
      net.runFor(1);
    }
    expect(fed).toBeGreaterThan(1000);
    net.run();
    expect(bob.idle, bob.holding).toBe(true);
  });
});

describe("bad responses to the session core", () => {
  it("RFC 3261 §8.1.3: mutated provisional and final responses to our INVITEs never throw out of the core, and leave nothing behind", () => {
    const random = prng(7);
    const net = new SimNet({ delay: 1 });
    const callee = new RawPeer(net, BOBHOST);
    const alice = new SimAgent(net, "alice", PEER);
    alice.onEvent = (e, now) => {
      if (e.type === "answered") e.session.bye(now);
    };
    const templates = [
      "SIP/2.0 180 Ringing\r\nRequire: 100rel\r\nRSeq: 17\r\nContact: <sip:bob@client.biloxi.example.com>\r\nRecord-Route: <sip:p1.example.com;lr>\r\n",
      "SIP/2.0 183 Session Progress\r\nContact: <sip:bob@client.biloxi.example.com>\r\nContent-Type: application/sdp\r\n",
      "SIP/2.0 200 OK\r\nContact: <sip:bob@client.biloxi.example.com>\r\nSession-Expires: 90;refresher=uas\r\nRequire: timer\r\nContent-Type: application/sdp\r\n",
      "SIP/2.0 422 Session Interval Too Small\r\nMin-SE: 1800\r\n",
      "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"y\"\r\n",
    ];
    let fed = 0;
    const sessions: InviteSession<SimFlow>[] = [];
    for (let i = 0; i < 400; i++) {
      sessions.push(alice.core.invite({ from: ALICE, to: "<sip:bob@client.biloxi.example.com>" }, net.now));
      net.runFor(2);
      const invite = callee.requests("INVITE").at(-1)!;
      for (let k = 0; k < 4; k++) {
        const head = templates[Math.floor(random() * templates.length)]!;
        const body = head.includes("application/sdp") ? OFFER : "";
        let lines = (
          head +
          invite.headers("Via").map((v) => `Via: ${v}\r\n`).join("") +
          `From: ${invite.header("From")}\r\nTo: ${invite.header("To")};tag=t${i}\r\nCall-ID: ${invite.callId}\r\nCSeq: ${invite.cseq.seq} INVITE\r\n`
        ).split("\r\n").filter((l) => l !== "");
        const at = 1 + Math.floor(random() * (lines.length - 1));
        const line = lines[at]!;
        const cut = Math.floor(random() * (line.length + 1));
        if (!/^(Via|Call-ID|CSeq):/.test(line)) {
          lines[at] = random() < 0.5 ? line.slice(0, cut) : line.slice(0, cut) + "\u0001;=<>" + line.slice(cut);
        }
        lines = lines.filter((l) => l.includes(":") || l.startsWith("SIP/2.0"));
        const text = lines.join("\r\n") + `\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
        const parsed = tryParseMessage(text);
        if (!parsed.ok) continue;
        fed++;
        alice.core.handleMessage(parsed.value, { transport: "UDP", reliable: false, peer: BOBHOST }, net.now);
        net.pump();
      }
      net.runFor(2);
    }
    expect(fed).toBeGreaterThan(800);
    // Whatever got through (answered, refused, half-parsed) is ended: the established calls with
    // BYE, the ones still ringing by a final 487 from the callee (an INVITE transaction that got a
    // provisional waits for its final response, RFC 3261 §17.1.1.2).
    for (const s of alice.of("answered")) if (s.session.state === "confirmed") s.session.bye(net.now);
    for (const invite of callee.requests("INVITE")) callee.send(createResponse(invite, 487, undefined, { toTag: "end" }), PEER);
    net.run();
    for (const r of callee.requests("BYE")) callee.send(createResponse(r, 200), PEER);
    for (const r of callee.requests("PRACK")) callee.send(createResponse(r, 200), PEER);
    net.run();
    expect(alice.core.counters.malformed + alice.core.counters.stray).toBeGreaterThan(0);
    const left = sessions.filter((x) => x.state !== "terminated").map((x) => `${x.state} ${x.callId}`);
    expect(left).toEqual([]);
    expect(alice.idle, alice.holding).toBe(true);
  });
});
