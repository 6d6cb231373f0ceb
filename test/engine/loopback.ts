// Loopback fixtures of the engine tests: session endpoints and media drivers on the runtime's own
// UDP sockets and clock (Node, Deno or Bun, whichever runs the file), a caller that plays a tone
// and keeps what it hears, and the SNR of a tone in the median frame.
import { loadRuntime } from "../../runtimes/index.ts";
import { createMediaDriver, createSessionEndpoint, rtpMediaHandlers } from "../../src/driver/index.ts";
import type { MediaDriver, RtpMediaHandler, RtpMediaOptions, SessionEndpoint } from "../../src/driver/index.ts";
import { analyseTone, ToneGenerator } from "../../src/media/index.ts";
import type { InviteSession, SessionEvent } from "../../src/session/index.ts";
import type { Flow } from "../../src/transport/index.ts";

export const runtime = await loadRuntime();

const closers: (() => unknown)[] = [];
/** Closes every endpoint and driver the fixtures made. */
export async function closeAll(): Promise<void> {
  for (const c of closers.splice(0).reverse()) await c();
}

let base = 36000 + 2 * Math.floor(Math.random() * 4000);
/** A media driver on a port range of its own. */
export async function mediaDriver(): Promise<MediaDriver> {
  const d = await createMediaDriver({ runtime, host: "127.0.0.1", ports: { minPort: base, maxPort: base + 59, spare: 4 } });
  base += 60;
  closers.push(() => d.close());
  return d;
}

/** A session endpoint on 127.0.0.1, a free UDP port. */
export async function endpoint(
  media: (c: import("../../src/session/index.ts").MediaContext) => import("../../src/session/index.ts").MediaHandler,
  onSessionEvent: (e: SessionEvent<Flow>, now: number) => void,
  extra: Partial<Parameters<typeof createSessionEndpoint>[0]> = {},
): Promise<SessionEndpoint> {
  const ep = await createSessionEndpoint({
    runtime,
    listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
    media,
    methods: ["INFO"],
    ...extra,
    onSessionEvent,
  });
  closers.push(() => ep.close());
  return ep;
}

/** The port of an endpoint's first listening point. */
export const portOf = (ep: SessionEndpoint) => ep.listeningPoints[0]!.local.port;

/** A user agent that calls out and answers, recording its session events. */
export interface Phone {
  ep: SessionEndpoint;
  events: SessionEvent<Flow>[];
  media: MediaDriver;
}

/** A phone with its own media driver; `on` runs for each event after it is recorded. */
export async function phone(options: RtpMediaOptions = {}, on?: (e: SessionEvent<Flow>, now: number) => void): Promise<Phone> {
  const media = await mediaDriver();
  const events: SessionEvent<Flow>[] = [];
  const ep = await endpoint(rtpMediaHandlers(media, { ...options, session: { sampleRate: 16000, ...options.session } }), (e, now) => {
    events.push(e);
    on?.(e, now);
  });
  return { ep, events, media };
}

/** Plays a tone on a call's media at its own pace (one frame per 20 ms, a little ahead) and records what arrives. */
export function toneAndRecord(media: RtpMediaHandler, frequency: number): { heard: Int16Array[]; stop(): void } {
  const heard: Int16Array[] = [];
  media.onAudio = (f) => heard.push(f.samples.slice());
  const tone = new ToneGenerator({ sampleRate: 16000, frequencies: [frequency], levelDbm0: -10 });
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const s = media.session;
    if (s !== undefined && s.state !== "closed") while (s.queuedAudioMs < 100 && media.writeAudio(tone.next(320)) > 0);
    runtime.setTimer(20, tick);
  };
  tick();
  return { heard, stop: () => void (stopped = true) };
}

/** Records what a call's media plays out. */
export function record(media: RtpMediaHandler): Int16Array[] {
  const heard: Int16Array[] = [];
  media.onAudio = (f) => heard.push(f.samples.slice());
  return heard;
}

/**
 * SNR of a tone in the median 20 ms frame (16 kHz): late packets concealed on a loaded machine
 * spoil a few frames, not the median; a wrong or missing signal spoils all.
 */
export function medianSnr(frames: readonly Int16Array[], frequency: number): number {
  const snr = frames.map((f) => analyseTone(f, 16000, frequency).snrDb).sort((a, b) => a - b);
  return snr[snr.length >> 1] ?? -Infinity;
}

/** The session's RTP media handler. */
export const rtpOf = (s: InviteSession<Flow>) => s.media as RtpMediaHandler;

/** Waits `ms` of real time. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
