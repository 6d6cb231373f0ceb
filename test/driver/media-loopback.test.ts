import { afterAll, describe, expect, it } from "vitest";
import { loadRuntime } from "../../runtimes/index.ts";
import { createMediaDriver, rtpMediaHandlers } from "../../src/driver/index.ts";
import type { MediaDriver, RtpMediaHandler } from "../../src/driver/index.ts";
import { analyseTone, detectFrequency, OPUS, PCMU, ToneGenerator } from "../../src/media/index.ts";
import type { AudioCodec } from "../../src/media/index.ts";
import { until } from "../runtimes/helpers.ts";

// Two media drivers over the loopback interface with the runtime's own UDP sockets and clock
// (Node, Deno or Bun, whichever runs this file): calls with SDES-SRTP exchange seconds of a tone.
const runtime = await loadRuntime();
const open: MediaDriver[] = [];
afterAll(() => {
  for (const d of open) d.close();
});

let base = 32000 + 2 * Math.floor(Math.random() * 2000);
async function driver(): Promise<MediaDriver> {
  const d = await createMediaDriver({ runtime, host: "127.0.0.1", ports: { minPort: base, maxPort: base + 99, spare: 2 } });
  base += 100;
  open.push(d);
  return d;
}

async function call(codec: AudioCodec, seconds: number) {
  const [a, b] = [await driver(), await driver()];
  const options = { codecs: [codec], srtp: { mandatory: true }, session: { sampleRate: 16000 } };
  const ha = rtpMediaHandlers(a, options)({ role: "uac", callId: "loop" }) as RtpMediaHandler;
  const hb = rtpMediaHandlers(b, options)({ role: "uas", callId: "loop" }) as RtpMediaHandler;
  const answer = hb.receiveOffer(ha.createOffer({}));
  if (!("body" in answer)) throw new Error(answer.reason);
  expect(ha.receiveAnswer(answer)).toBe(true);
  const heard: Int16Array[] = [];
  ha.onAudio = (f) => heard.push(f.samples);
  hb.onAudio = (f) => hb.writeAudio(f.samples);
  // a plays a tone in real time (the send queue paces it), b echoes it.
  const tone = new ToneGenerator({ sampleRate: 16000, frequencies: [1000], levelDbm0: -10 });
  const frames = Array.from({ length: seconds * 50 }, () => ({ samples: tone.next(320), sampleRate: 16000, channels: 1 }));
  await ha.play(frames);
  await until(() => heard.length >= seconds * 50 + 20);
  ha.close();
  hb.close();
  return { ha, hb, a, b, heard };
}

/**
 * SNR of the 1 kHz tone in the median 20 ms frame: late packets concealed on a loaded machine
 * (real sockets and clock) spoil a few frames, not the median; a wrong or missing signal spoils all.
 */
function medianFrameSnr(frames: Int16Array[]): number {
  return median(frames.map((f) => analyseTone(f, 16000, 1000).snrDb));
}

/** The frequency of the median 20 ms frame, for the same reason (a glitch shifts a long window's). */
function medianFrameFrequency(frames: Int16Array[]): number {
  return median(frames.map((f) => detectFrequency(f, 16000)));
}

function median(values: number[]): number {
  const v = values.slice().sort((a, b) => a - b);
  return v[v.length >> 1]!;
}

describe(`media over loopback UDP on ${runtime.name}`, () => {
  it("RFC 3711 / RFC 4568: G.711 with SDES-SRTP both ways, real sockets and clock: the echoed tone comes back", async () => {
    const { ha, hb, heard, a } = await call(PCMU, 3);
    expect(ha.session!.srtpNative).toBe(true);
    // From 1 s in (buffers settled) to before the tone's end came back.
    expect(Math.abs(medianFrameFrequency(heard.slice(50, 140)) - 1000)).toBeLessThan(2);
    // PCMU at 8 kHz between 16 kHz resamplers: the bound of the narrowband round trip, in the median
    // frame (real sockets and clock: on a loaded machine a few late packets are concealed).
    expect(medianFrameSnr(heard.slice(50, 140))).toBeGreaterThan(25);
    expect(hb.quality!.packetsReceived).toBeGreaterThan(140);
    expect(ha.session!.counters.authFailed + hb.session!.counters.authFailed).toBe(0);
    expect(a.stats.ticks).toBeGreaterThan(100);
  });

  it("RFC 7587: Opus with SDES-SRTP both ways, real sockets and clock", async () => {
    // As long as the G.711 call, so the jitter buffers have settled in the window judged.
    const { hb, heard } = await call(OPUS, 3);
    expect(Math.abs(medianFrameFrequency(heard.slice(50, 140)) - 1000)).toBeLessThan(2);
    expect(medianFrameSnr(heard.slice(50, 140))).toBeGreaterThan(15);
    expect(hb.session!.codec).toBe("opus");
  });
});
