/**
 * Mutation fuzzing of the SDP layer: every input gives a value or a typed failure (SdpParseError
 * from parseSdp), never another exception; a value prints to text that parses to the same text; and
 * the negotiation functions answer any parsed offer with an answer or a failure value.
 *
 * Seeded (mulberry32) so a failure reproduces: SIPHON_FUZZ_SEED=<n> replays a run and
 * SIPHON_FUZZ_ITERATIONS=<n> changes its length (default 20 000).
 */
import { describe, expect, it } from "vitest";
import { applyAnswer, createAnswer, formatSdp, parseSdp, SdpParseError, tryParseSdp } from "../../src/sdp/index.ts";
import type { SdpErrorCode, SdpSection, SessionDescription } from "../../src/sdp/index.ts";
import { fuzzRun, prng } from "../prng.ts";
import { VALUE_PARSERS } from "./value-parsers.ts";
import { allFixtures } from "./fixtures.ts";

const { seed: SEED, iterations: ITERATIONS } = fuzzRun(0x5d9a4317, 20_000);

const RICH = [
  "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "c=IN IP4 203.0.113.1", "t=0 0", "a=group:BUNDLE 0 1",
  "m=audio 9 RTP/SAVP 111 0 101", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-16", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20", "a=rtcp:9 IN IP4 0.0.0.0",
  "a=rtcp-mux", "a=ptime:20", "a=sendonly", "a=mid:0", "a=ssrc:1 cname:x", "a=extmap:1/recvonly urn:x y",
  "a=candidate:1 1 udp 2122260223 192.0.2.5 54321 typ srflx raddr 10.0.0.1 rport 5000 generation 0",
  "m=video 9 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=fmtp:96 packetization-mode=1", "a=rtcp-fb:96 nack pli", "a=inactive",
].map((l) => `${l}\r\n`).join("");

const SEEDS = [...allFixtures().map(([, t]) => t), RICH];
const SPECIAL = [
  "\r", "\n", "\r\n", " ", "\t", "\0", "=", ":", "/", ";", "|", "^", ",", "-", "*", "0", "65536", "99999999999999999999", "-1",
  "é", "\u{1F600}", "\uFFFD", "a=", "m=audio 0 RTP/AVP", "c=IN IP4 0.0.0.0", "a=sendonly", "a=rtpmap:", "a=crypto:1 ", "inline:",
  "telephone-event/8000", "2^", "t=", "r=", "v=0", "o=", "x=", "__proto__", "constructor", "a=fmtp:101 0-",
];

const CODES = new Set<SdpErrorCode>([
  "EMPTY", "TOO_LARGE", "TOO_MANY_LINES", "TOO_MANY_MEDIA", "TOO_MANY_ATTRIBUTES", "BAD_ENCODING", "BAD_CHARACTER", "BAD_LINE",
  "BAD_VERSION", "BAD_ORIGIN", "BAD_CONNECTION", "BAD_BANDWIDTH", "BAD_TIMING", "BAD_REPEAT", "BAD_MEDIA", "BAD_ATTRIBUTE",
  "MISSING_LINE", "DUPLICATE_LINE", "MISPLACED_LINE",
]);

/** Every attribute value of a section through its public pair: the same value, or BAD_ATTRIBUTE_VALUE and an SdpParseError. */
function parseValues(section: SdpSection): void {
  for (const a of section.attributes) {
    const pair = VALUE_PARSERS[`a=${a.name}`];
    if (!pair) continue;
    const value = a.value ?? "";
    const r = pair.tryParse(value);
    let caught: unknown;
    let parsed: unknown;
    try {
      parsed = pair.parse(value);
    } catch (e) {
      caught = e;
    }
    if (r.ok) {
      expect(caught).toBeUndefined();
      expect(parsed).toEqual(r.value);
    } else {
      expect([r.code, r.offset]).toEqual(["BAD_ATTRIBUTE_VALUE", 0]);
      expect(caught).toBeInstanceOf(SdpParseError);
    }
  }
}

function mutate(s: string, rnd: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const rounds = 1 + Math.floor(rnd() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rnd() * (s.length + 1));
    switch (Math.floor(rnd() * 8)) {
      case 0: // replace one character
        s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 128)) + s.slice(at + 1);
        break;
      case 1: // insert a special string
        s = s.slice(0, at) + pick(SPECIAL) + s.slice(at);
        break;
      case 2: // delete a range
        s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 12));
        break;
      case 3: {
        // duplicate a line
        const lines = s.split("\r\n");
        const i = Math.floor(rnd() * lines.length);
        lines.splice(i, 0, lines[i]!);
        s = lines.join("\r\n");
        break;
      }
      case 4: {
        // swap two lines
        const lines = s.split("\r\n");
        const i = Math.floor(rnd() * lines.length);
        const j = Math.floor(rnd() * lines.length);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        s = lines.join("\r\n");
        break;
      }
      case 5: // truncate
        s = s.slice(0, at);
        break;
      case 6: // splice in a line of another seed
        s = s.slice(0, at) + pick(pick(SEEDS).split("\r\n")) + "\r\n" + s.slice(at);
        break;
      default: // replace a number with another
        s = s.replace(/\d+/, pick(["0", "1", "127", "128", "65535", "65536", "4294967296", ""]));
    }
  }
  return s;
}

const CAPS = {
  address: "192.0.2.10",
  random: (n: number) => new Uint8Array(n).fill(3),
  media: [
    { port: 4000, codecs: [{ name: "opus", clockRate: 48000, channels: 2 }, { name: "PCMU", clockRate: 8000 }], srtp: { mandatory: false } },
    { type: "video", port: 4002, codecs: [{ name: "H264", clockRate: 90000, fmtp: "packetization-mode=1" }, { name: "H261", clockRate: 90000 }] },
  ],
};

/** Everything a user may call on a parsed description; none of it may throw. */
function exercise(sd: SessionDescription): void {
  parseValues(sd);
  for (const m of sd.media) parseValues(m);
  sd.groups();
  sd.fingerprints();
  void [sd.setup, sd.iceUfrag, sd.iceOptions, sd.direction];
  for (const m of sd.media) {
    m.rtpMaps();
    m.fmtps();
    for (const pt of m.payloadTypes) m.rtpMap(pt);
    m.cryptos();
    m.candidates();
    m.ssrcs();
    m.ssrcGroups();
    m.rtcpFeedback();
    m.extmaps();
    void [m.ptime, m.maxptime, m.rtcp, m.rtcpMux, m.mid, m.direction, sd.directionOf(m)];
  }
  const a = createAnswer(sd, CAPS);
  if (a.ok) {
    const back = applyAnswer(sd, a.answer);
    expect(back.ok || back.code.length > 0).toBe(true);
    expect(parseSdp(formatSdp(a.answer)).toString()).toBe(formatSdp(a.answer));
  } else expect(a.status).toBe(488);
}

describe("SDP fuzz", () => {
  it(`${ITERATIONS} mutated fixtures give a value or a typed failure, and values print stably (seed ${SEED})`, () => {
    const rnd = prng(SEED);
    let ok = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(SEEDS[i % SEEDS.length]!, rnd);
      const r = tryParseSdp(input);
      let thrown: unknown;
      try {
        parseSdp(input);
      } catch (e) {
        thrown = e;
      }
      if (!r.ok) {
        expect(CODES.has(r.code), `${r.code} for ${JSON.stringify(input)}`).toBe(true);
        expect(r.offset >= 0 && r.offset <= input.length).toBe(true);
        expect(thrown).toBeInstanceOf(SdpParseError);
        expect((thrown as SdpParseError).code).toBe(r.code);
        continue;
      }
      ok++;
      expect(thrown).toBeUndefined();
      const once = formatSdp(r.value);
      const again = tryParseSdp(once);
      if (!again.ok) throw new Error(`printed text does not parse (${again.code}): ${JSON.stringify(once)} from ${JSON.stringify(input)}`);
      expect(formatSdp(again.value)).toBe(once);
      exercise(r.value);
    }
    // The mutations must leave enough inputs valid for the print and negotiation checks to matter.
    expect(ok).toBeGreaterThan(ITERATIONS / 10);
  });

  it("random bytes give a value or BAD_ENCODING/other typed failure", () => {
    const rnd = prng(SEED ^ 0xabcdef);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
      const r = tryParseSdp(bytes);
      expect(r.ok || CODES.has(r.code)).toBe(true);
    }
  });
});
