// Interop: baresip (Debian's baresip-core) calls the siphon answer server, whose media echo runs
// through a real RTP session (decode, jitter buffer, re-encode with the codec the caller offered);
// the tone baresip sends must come back (its sndfile dump of what it received), and tshark's
// dissectors must find nothing malformed in the call's capture. G.711 in plain RTP and with SDES-SRTP
// made mandatory by baresip (RTP/SAVP), G.722 with SRTP, Opus; the server on Node, Deno and Bun.
// Run by `npm run test:interop` (CI installs baresip-core and tshark).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectFrequency, parseWav } from "../../src/media/index.ts";
import { toneOf } from "./peers/audio.ts";
import { startBaresip } from "./peers/baresip.ts";
import { checkCapture, startCapture } from "./peers/tshark.ts";

const SIP = 26060;
const RTP = [26100, 26199] as const;
const PEER_RTP = "26200-26299";

const cases: { name: string; mediaenc?: "srtp-mand"; codecs: string; modules?: string[]; srtp: boolean; snrDb: number }[] = [
  { name: "G.711 μ-law, plain RTP", codecs: "PCMU/8000/1", srtp: false, snrDb: 30 },
  { name: "G.711 A-law, SDES-SRTP mandatory (RTP/SAVP)", codecs: "PCMA/8000/1", mediaenc: "srtp-mand", srtp: true, snrDb: 30 },
  // baresip names G.722 by its audio rate; its SDP says G722/8000 (RFC 3551 §4.5.2).
  { name: "G.722, SDES-SRTP mandatory", codecs: "G722/16000/1", modules: ["g722.so"], mediaenc: "srtp-mand", srtp: true, snrDb: 30 },
  { name: "Opus, plain RTP", codecs: "opus/48000/2", modules: ["opus.so"], srtp: false, snrDb: 20 },
];

// The server on each runtime; every case on Node, the SRTP G.711 case on Deno and Bun.
const RUNTIMES: [name: string, cmd: string, args: string[], cases: typeof cases][] = [
  ["node", process.execPath, ["dist/examples/answer-server.js"], cases],
  ["deno", "node_modules/.bin/deno", ["run", "-A", "examples/answer-server.ts"], [cases[1]!]],
  ["bun", "node_modules/.bin/bun", ["examples/answer-server.ts"], [cases[1]!]],
];

for (const [runtime, cmd, args, runs] of RUNTIMES) {
describe(`baresip calls the siphon answer server on ${runtime}: the tone comes back through a media session`, () => {
  let server: ChildProcess;
  let output = "";
  beforeAll(async () => {
    server = spawn(cmd, [...args, "--port", String(SIP), "--transport", "udp", "--rtp-ports", `${RTP[0]}-${RTP[1]}`], { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    for (let i = 0; i < 400 && !output.includes("media echo"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain(`UDP 127.0.0.1:${SIP}`);
  });
  afterAll(() => {
    server.kill("SIGKILL");
  });

  for (const [i, c] of runs.entries()) {
    it(`RFC 3550 / RFC 3551${c.srtp ? " / RFC 4568" : ""}: ${c.name}: the echoed tone and a clean capture`, async () => {
      const pcap = join(tmpdir(), `siphon-media-${i}-${Date.now()}.pcap`);
      const capture = await startCapture(pcap, `udp port ${SIP} or udp portrange ${RTP[0]}-${RTP[1]} or udp portrange ${PEER_RTP}`);
      const peer = await startBaresip({ sipPort: 26064 + 2 * i, ctrlPort: 26464 + i, rtpPorts: PEER_RTP, codecs: c.codecs, toneHz: 700, dump: true, ...(c.modules ? { modules: c.modules } : {}), ...(c.mediaenc ? { mediaenc: c.mediaenc } : {}) });
      try {
        const established = peer.event("CALL_ESTABLISHED");
        expect((await peer.command("dial", `sip:echo@127.0.0.1:${SIP}`)).ok).toBe(true);
        await established;
        await new Promise((r) => setTimeout(r, 4000));
        const closed = peer.event("CALL_CLOSED");
        await peer.command("hangup");
        await closed;
      } finally {
        await peer.stop();
        await new Promise((r) => setTimeout(r, 300));
        await capture.stop();
      }
      const dec = peer.dumps().find((f) => f.endsWith("-dec.wav"));
      expect(dec, peer.log().slice(-2000)).toBeDefined();
      const wav = parseWav(readFileSync(dec!));
      // Skip the first second (call setup, jitter buffers filling on both sides).
      const rx = wav.samples.subarray(wav.sampleRate * wav.channels, wav.samples.length);
      const mono = wav.channels === 1 ? rx : rx.filter((_, k) => k % wav.channels === 0);
      expect(Math.abs(detectFrequency(mono, wav.sampleRate) - 700)).toBeLessThan(2);
      // One 20 ms frame at a time (see toneOf): a frame the jitter buffer drops or inserts under
      // load shifts the phase of what follows, which one fit over the whole recording counts as noise.
      const tone = toneOf({ mono, rate: wav.sampleRate }, 700);
      expect(tone.snrDb).toBeGreaterThan(c.snrDb);
      expect(tone.clean).toBeGreaterThan(0.8);
      const check = checkCapture(pcap, { sipPort: SIP, rtpPorts: [] });
      expect(check.malformed, check.problems).toBe(0);
      expect(check.expertErrors, check.problems).toBe(0);
      expect(check.rtp).toBeGreaterThan(300);
      if (c.srtp) expect(check.srtp).toBe(check.rtp);
    });
  }
});
}
