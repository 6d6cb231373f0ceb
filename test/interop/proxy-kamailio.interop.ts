// Interop: the siphon stateful proxy (createProxyEndpoint, on Node, in this process) and Kamailio
// (Debian's package) as two proxies on one call path, in both orders. baresip alice calls baresip
// bob: (1) alice -> Kamailio -> siphon -> bob, siphon as Kamailio's downstream server finding bob in
// its location service; (2) alice -> siphon -> Kamailio -> bob, siphon forwarding over TCP to
// Kamailio (so it record-routes twice, RFC 5658) while alice reached it over UDP. Both proxies stay
// on the path (Record-Route); the ACK and the BYE cross both; media flows directly; the tone is
// checked and tshark validates the capture. Run by `npm run test:interop` (CI installs kamailio,
// baresip-core and tshark).
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRuntime } from "../../runtimes/index.ts";
import { createProxyEndpoint, createStaticLocation, type ProxyEndpoint, type ProxyEvent } from "../../src/engine/index.ts";
import { detectFrequency, parseWav } from "../../src/media/index.ts";
import { toneOf } from "./peers/audio.ts";
import type { Flow } from "../../src/transport/index.ts";
import { startBaresip, type Baresip } from "./peers/baresip.ts";
import { startKamailioProxy } from "./peers/kamailio-proxy.mjs";
import { checkCapture, startCapture } from "./peers/tshark.ts";

const SIPHON = 26570;
const KAMAILIO = 26572;
const ALICE = 26574;
const BOB = 26576;

type Kamailio = Awaited<ReturnType<typeof startKamailioProxy>>;

function received(peer: Baresip): { mono: Int16Array; rate: number } {
  const dec = peer.dumps().find((f) => f.endsWith("-dec.wav"));
  expect(dec, peer.log().slice(-2000)).toBeDefined();
  const wav = parseWav(readFileSync(dec!));
  const rx = wav.samples.subarray(wav.sampleRate * wav.channels);
  return { mono: wav.channels === 1 ? rx : rx.filter((_, k) => k % wav.channels === 0), rate: wav.sampleRate };
}

/** alice dials `uri`; bob answers; 3 s of media; alice hangs up. Returns the capture's file. */
async function call(uri: string, n: number): Promise<{ pcap: string; alice: Baresip; bob: Baresip }> {
  const pcap = join(tmpdir(), `siphon-proxy-kamailio-${n}-${Date.now()}.pcap`);
  const capture = await startCapture(pcap, `udp portrange ${SIPHON}-${BOB} or tcp portrange ${SIPHON}-${KAMAILIO} or udp portrange 26300-26399`);
  const alice = await startBaresip({ sipPort: ALICE, ctrlPort: 26674 + 2 * n, rtpPorts: "26300-26349", toneHz: 700, dump: true });
  const bob = await startBaresip({ sipPort: BOB, ctrlPort: 26675 + 2 * n, rtpPorts: "26350-26399", toneHz: 500, dump: true });
  try {
    const established = alice.event("CALL_ESTABLISHED");
    const answered = bob.event("CALL_ESTABLISHED");
    expect((await alice.command("dial", uri)).ok).toBe(true);
    await established;
    await answered;
    await new Promise((r) => setTimeout(r, 3000));
    const closed = bob.event("CALL_CLOSED");
    await alice.command("hangup");
    await closed;
  } finally {
    await alice.stop();
    await bob.stop();
    await new Promise((r) => setTimeout(r, 300));
    await capture.stop();
  }
  return { pcap, alice, bob };
}

function checkMedia(alice: Baresip, bob: Baresip): void {
  for (const [peer, hz] of [[bob, 700], [alice, 500]] as const) {
    const { mono, rate } = received(peer);
    expect(Math.abs(detectFrequency(mono, rate) - hz)).toBeLessThan(2);
    // One 20 ms frame at a time: a frame a jitter buffer drops or inserts shifts the phase after it.
    const tone = toneOf({ mono, rate }, hz);
    expect(tone.snrDb).toBeGreaterThan(30);
    expect(tone.clean).toBeGreaterThan(0.8);
  }
}

function checkClean(pcap: string): void {
  for (const port of [SIPHON, KAMAILIO]) {
    const check = checkCapture(pcap, { sipPort: port, rtpPorts: [] });
    expect(check.sip).toBeGreaterThanOrEqual(8);
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
  }
}

describe("Kamailio and the siphon proxy on one call path (RFC 3261 §16)", () => {
  let proxy: ProxyEndpoint;
  let kamailio: Kamailio;
  const events: ProxyEvent<Flow>[] = [];
  beforeAll(async () => {
    kamailio = await startKamailioProxy({
      port: KAMAILIO,
      routes: { bob: `sip:bob@127.0.0.1:${SIPHON}`, carol: `sip:interop@127.0.0.1:${BOB}` },
    });
    proxy = await createProxyEndpoint({
      runtime: await loadRuntime(),
      listen: [
        { transport: "UDP", host: "127.0.0.1", port: SIPHON },
        { transport: "TCP", host: "127.0.0.1", port: SIPHON },
      ],
      location: createStaticLocation({
        "sip:bob@127.0.0.1": `sip:interop@127.0.0.1:${BOB}`,
        "sip:carol@127.0.0.1": `sip:carol@127.0.0.1:${KAMAILIO};transport=tcp`,
      }),
      onProxyEvent: (e) => events.push(e),
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await kamailio?.stop();
  });

  it("RFC 3261 §16.5, §16.6: Kamailio forwards the call to siphon, which finds bob in its location service; ACK and BYE cross both proxies", async () => {
    events.length = 0;
    const { pcap, alice, bob } = await call(`sip:bob@127.0.0.1:${KAMAILIO}`, 0);
    const forwarded = events.flatMap((e) => (e.type === "forwarded" ? [`${e.request.method} ${e.target}`] : []));
    expect(forwarded[0]).toBe(`INVITE sip:interop@127.0.0.1:${BOB}`);
    // The INVITE siphon sent carries both Record-Routes: siphon's on top, Kamailio's below.
    const invite = events.find((e) => e.type === "forwarded" && e.request.method === "INVITE");
    const rr = invite?.type === "forwarded" ? invite.request.headers("Record-Route").join(",") : "";
    expect(rr).toContain(`127.0.0.1:${SIPHON}`);
    expect(rr).toContain(`127.0.0.1:${KAMAILIO}`);
    expect(forwarded.slice(1).map((f) => f.split(" ")[0])).toEqual(["BYE"]);
    expect(kamailio.log()).toMatch(/REQ BYE/);
    checkMedia(alice, bob);
    checkClean(pcap);
  });

  it("RFC 3261 §16.6, RFC 5658: siphon forwards the call to Kamailio over TCP (two Record-Routes, UDP and TCP), Kamailio to bob; ACK and BYE cross both proxies", async () => {
    events.length = 0;
    const { pcap, alice, bob } = await call(`sip:carol@127.0.0.1:${SIPHON}`, 1);
    const invite = events.find((e) => e.type === "forwarded" && e.request.method === "INVITE");
    expect(invite?.type === "forwarded" && invite.target).toBe(`sip:carol@127.0.0.1:${KAMAILIO};transport=tcp`);
    expect(invite?.type === "forwarded" && invite.flow.transport).toBe("TCP");
    const rr = invite?.type === "forwarded" ? invite.request.headers("Record-Route") : [];
    expect(rr).toEqual([`<sip:127.0.0.1:${SIPHON};transport=tcp;lr>`, `<sip:127.0.0.1:${SIPHON};lr>`]);
    const methods = events.flatMap((e) => (e.type === "forwarded" ? [e.request.method] : []));
    expect(methods).toEqual(["INVITE", "BYE"]);
    expect(proxy.core.counters.acks).toBeGreaterThanOrEqual(2);
    checkMedia(alice, bob);
    checkClean(pcap);
  });
});
