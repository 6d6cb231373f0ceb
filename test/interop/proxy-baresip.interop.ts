// Interop: two baresip instances (Debian's baresip-core) call each other through the siphon
// stateful proxy (createProxyEndpoint, on Node, in this process): alice dials bob's address of
// record at the proxy, the proxy finds bob's contact in its location service and forwards with
// Record-Route, bob answers, the ACK and the BYE go through the proxy, and the media flows directly
// between the two baresips — each must receive the other's tone. tshark's dissectors must find
// nothing malformed in the capture. Run by `npm run test:interop` (CI installs baresip-core, tshark).
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
import { checkCapture, startCapture } from "./peers/tshark.ts";

const PROXY = 26560;
const ALICE = 26562;
const BOB = 26564;

/** The tone in the second half of a baresip dump of what it received. */
function received(peer: Baresip): { mono: Int16Array; rate: number } {
  const dec = peer.dumps().find((f) => f.endsWith("-dec.wav"));
  expect(dec, peer.log().slice(-2000)).toBeDefined();
  const wav = parseWav(readFileSync(dec!));
  const rx = wav.samples.subarray(wav.sampleRate * wav.channels);
  return { mono: wav.channels === 1 ? rx : rx.filter((_, k) => k % wav.channels === 0), rate: wav.sampleRate };
}

describe("two baresip UAs call each other through the siphon proxy (RFC 3261 §16)", () => {
  let proxy: ProxyEndpoint;
  const events: ProxyEvent<Flow>[] = [];
  beforeAll(async () => {
    proxy = await createProxyEndpoint({
      runtime: await loadRuntime(),
      listen: [{ transport: "UDP", host: "127.0.0.1", port: PROXY }],
      location: createStaticLocation({ "sip:bob@127.0.0.1": `sip:interop@127.0.0.1:${BOB}` }),
      onProxyEvent: (e) => events.push(e),
    });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it("RFC 3261 §16.5, §16.6, §16.11, RFC 3665 §3.2: the call is proxied with Record-Route, media flows directly, each side hears the other's tone, the capture is clean", async () => {
    const pcap = join(tmpdir(), `siphon-proxy-baresip-${Date.now()}.pcap`);
    const capture = await startCapture(pcap, `udp portrange ${PROXY}-${BOB} or udp portrange 26200-26299`);
    const alice = await startBaresip({ sipPort: ALICE, ctrlPort: 26662, rtpPorts: "26200-26249", toneHz: 700, dump: true });
    const bob = await startBaresip({ sipPort: BOB, ctrlPort: 26664, rtpPorts: "26250-26299", toneHz: 500, dump: true });
    try {
      const established = alice.event("CALL_ESTABLISHED");
      const answered = bob.event("CALL_ESTABLISHED");
      expect((await alice.command("dial", `sip:bob@127.0.0.1:${PROXY}`)).ok).toBe(true);
      await established;
      await answered;
      await new Promise((r) => setTimeout(r, 4000));
      const closed = bob.event("CALL_CLOSED");
      await alice.command("hangup");
      await closed;
    } finally {
      await alice.stop();
      await bob.stop();
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop();
    }
    // The INVITE was forwarded once, to bob's contact; the ACK and the BYE came through (Record-Route).
    const forwarded = events.flatMap((e) => (e.type === "forwarded" ? [`${e.request.method} ${e.target}`] : []));
    expect(forwarded[0]).toBe(`INVITE sip:interop@127.0.0.1:${BOB}`);
    expect(forwarded.slice(1).map((f) => f.split(" ")[0])).toEqual(["BYE"]);
    expect(proxy.core.counters.acks).toBeGreaterThanOrEqual(1);
    expect(proxy.core.counters.local).toEqual({});
    for (const [peer, hz] of [[bob, 700], [alice, 500]] as const) {
      const { mono, rate } = received(peer);
      expect(Math.abs(detectFrequency(mono, rate) - hz)).toBeLessThan(2);
      // One 20 ms frame at a time: a frame a jitter buffer drops or inserts shifts the phase after it.
      const tone = toneOf({ mono, rate }, hz);
      expect(tone.snrDb).toBeGreaterThan(30);
      expect(tone.clean).toBeGreaterThan(0.8);
    }
    const check = checkCapture(pcap, { sipPort: PROXY, rtpPorts: [] });
    expect(check.sip).toBeGreaterThanOrEqual(10);
    expect(check.malformed, check.problems).toBe(0);
    expect(check.expertErrors, check.problems).toBe(0);
    // Media went between the baresips, never to the proxy's port.
    expect(check.rtp).toBeGreaterThan(300);
  });
});
