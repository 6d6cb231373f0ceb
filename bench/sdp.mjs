// SDP throughput: siphon's src/sdp against sdp-transform (the SDP parser of mediasoup, JsSIP and
// drachtio), on a typical SIP audio offer (15 lines) and a WebRTC-style audio+video offer (~45 lines).
//
// Every library does the same job per case:
//   parse            text in, a description whose fields can be read
//   parse + codecs   also read each stream's codecs (payload type, name, rate), direction and address;
//                    sdp-transform has them after its parse, siphon reads them through its accessors
//   format           a parsed description back to text
//   answer           siphon only: createAnswer (codec intersection, directions, telephone-event) and
//                    applyAnswer on the result; sdp-transform has no offer/answer
// sdp-transform is regex-driven and keeps every value typed after parsing; siphon parses the lines
// eagerly and attributes lazily, keeping unknown lines verbatim.
//
// Run `npm run build` first, then: node bench/sdp.mjs   (SECONDS=<n> per row, default 0.5)
// Also runs as `npx deno run -A bench/sdp.mjs` and `npx bun bench/sdp.mjs`.
import { createRequire } from "node:module";
import { applyAnswer, createAnswer, formatSdp, parseSdp } from "../dist/src/sdp/index.js";
import { opsPerSecond, runtime } from "./lib.mjs";

const require = createRequire(import.meta.url);
const transform = require("sdp-transform");
const SECONDS = Number(globalThis.process?.env?.SECONDS ?? 0.5);

const crlf = (lines) => lines.map((l) => `${l}\r\n`).join("");
const audioOffer = crlf([
  "v=0", "o=alice 2890844526 2890844526 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0",
  "m=audio 49170 RTP/AVP 0 8 9 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:9 G722/8000",
  "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=maxptime:150", "a=rtcp:49171", "a=sendrecv",
]);
const webrtcOffer = crlf([
  "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1", "a=extmap-allow-mixed",
  "a=msid-semantic: WMS stream", "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
  "a=candidate:1 1 udp 2122260223 192.0.2.5 54321 typ host generation 0", "a=candidate:2 1 udp 1686052607 203.0.113.9 54321 typ srflx raddr 192.0.2.5 rport 54321 generation 0",
  "a=ice-ufrag:8hhY", "a=ice-pwd:asd88fgpdd777uzjYhagZg", "a=ice-options:trickle",
  "a=fingerprint:sha-256 12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD",
  "a=setup:actpass", "a=mid:0", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "a=sendrecv", "a=msid:stream track",
  "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1",
  "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:9 G722/8000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:13 CN/8000", "a=rtpmap:110 telephone-event/48000", "a=rtpmap:126 telephone-event/8000", "a=ssrc:3735928559 cname:f7f2a5",
  "m=video 9 UDP/TLS/RTP/SAVPF 96 97", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:8hhY", "a=ice-pwd:asd88fgpdd777uzjYhagZg",
  "a=setup:actpass", "a=mid:1", "a=sendrecv", "a=rtcp-mux", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
  "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96", "a=ssrc-group:FID 1 2", "a=ssrc:1 cname:f7f2a5", "a=ssrc:2 cname:f7f2a5",
]);

function siphonCodecs(text) {
  const sd = parseSdp(text);
  const out = [];
  for (const m of sd.media) {
    const dir = sd.directionOf(m);
    const addr = sd.connectionOf(m)?.address;
    for (const r of m.rtpMaps()) out.push(r.payloadType, r.encoding, r.clockRate, dir, addr);
  }
  return out;
}

function transformCodecs(text) {
  const sd = transform.parse(text);
  const out = [];
  for (const m of sd.media) {
    const dir = m.direction ?? sd.direction ?? "sendrecv";
    const addr = (m.connection ?? sd.connection)?.ip;
    for (const r of m.rtp) out.push(r.payload, r.codec, r.rate, dir, addr);
  }
  return out;
}

const answerer = {
  address: "192.0.2.20",
  sessionId: "1",
  media: [{ port: 40000, codecs: [{ name: "G722", clockRate: 8000 }, { name: "PCMU", clockRate: 8000 }], ptime: 20 }],
};

const parsedAudio = parseSdp(audioOffer);
const transformedAudio = transform.parse(audioOffer);
const parsedWebrtc = parseSdp(webrtcOffer);
const transformedWebrtc = transform.parse(webrtcOffer);

// The same facts come out of both before anything is timed.
if (JSON.stringify(siphonCodecs(audioOffer)) !== JSON.stringify(transformCodecs(audioOffer))) throw new Error("audio codecs differ");
if (JSON.stringify(siphonCodecs(webrtcOffer)) !== JSON.stringify(transformCodecs(webrtcOffer))) throw new Error("webrtc codecs differ");
if (formatSdp(parsedAudio) !== audioOffer) throw new Error("siphon does not round-trip the audio offer");

const cases = {
  "parse, audio offer": { siphon: () => parseSdp(audioOffer), "sdp-transform": () => transform.parse(audioOffer) },
  "parse + codecs, audio": { siphon: () => siphonCodecs(audioOffer), "sdp-transform": () => transformCodecs(audioOffer) },
  "format, audio offer": { siphon: () => formatSdp(parsedAudio), "sdp-transform": () => transform.write(transformedAudio) },
  "parse, WebRTC offer": { siphon: () => parseSdp(webrtcOffer), "sdp-transform": () => transform.parse(webrtcOffer) },
  "parse + codecs, WebRTC": { siphon: () => siphonCodecs(webrtcOffer), "sdp-transform": () => transformCodecs(webrtcOffer) },
  "format, WebRTC offer": { siphon: () => formatSdp(parsedWebrtc), "sdp-transform": () => transform.write(transformedWebrtc) },
  "answer + apply, audio": {
    siphon: () => {
      const a = createAnswer(parsedAudio, answerer);
      return a.ok && applyAnswer(parsedAudio, a.answer).ok;
    },
  },
  "parse, answer, format": {
    siphon: () => {
      const a = createAnswer(parseSdp(audioOffer), answerer);
      return a.ok && formatSdp(a.answer);
    },
  },
};

console.log(`SDP on ${runtime} (${SECONDS}s per row; audio offer ${audioOffer.length} B, WebRTC offer ${webrtcOffer.length} B)\n`);
console.log(`${"case".padEnd(24)} ${"library".padEnd(14)} ${"ops/s".padStart(12)} ${"µs/op".padStart(8)}  siphon ÷ peer`);
for (const [name, libs] of Object.entries(cases)) {
  let siphonOps = 0;
  for (const [lib, fn] of Object.entries(libs)) {
    if (!fn()) throw new Error(`${lib} failed ${name}`);
    const ops = opsPerSecond(fn, { seconds: SECONDS });
    if (lib === "siphon") siphonOps = ops;
    const ratio = lib === "siphon" ? "" : `${(siphonOps / ops).toFixed(2)}x`;
    console.log(`${name.padEnd(24)} ${lib.padEnd(14)} ${Math.round(ops).toLocaleString("en-US").padStart(12)} ${(1e6 / ops).toFixed(2).padStart(8)}  ${ratio}`);
  }
}
