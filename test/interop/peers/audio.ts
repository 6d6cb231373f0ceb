import { expect } from "vitest";
/**
 * What a peer heard, for the interop tests: the received side of a call as mono PCM — from
 * baresip's sndfile dump (`-dec.wav`) or from a siphon call's `audio.frames()` — and the tone in it
 * (the strongest frequency, the SNR of a sine fitted at the expected one, one 20 ms frame at a time).
 */
import { readFileSync } from "node:fs";
import type { Call } from "../../../src/client/index.ts";
import { analyseTone, detectFrequency, parseWav } from "../../../src/media/index.ts";
import type { Baresip } from "./baresip.ts";

/** Mono PCM and its rate. */
export interface Heard {
  readonly mono: Int16Array;
  readonly rate: number;
}

/**
 * What baresip decoded (its `-dec.wav` dump), the first `skipS` seconds left out (call setup, jitter
 * buffers). baresip starts a new dump whenever a re-INVITE restarts its audio (hold, resume): the
 * longest one is taken.
 */
export function heardByBaresip(peer: Baresip, skipS = 1): Heard {
  const decs = peer.dumps().filter((f) => f.endsWith("-dec.wav")).map((f) => readFileSync(f));
  if (decs.length === 0) throw new Error(`baresip wrote no -dec.wav dump\n${peer.log().slice(-2000)}`);
  const wav = parseWav(decs.reduce((a, b) => (b.length > a.length ? b : a)));
  const rx = wav.samples.subarray(Math.min(wav.samples.length, Math.round(skipS * wav.sampleRate) * wav.channels));
  return { mono: wav.channels === 1 ? rx : rx.filter((_, k) => k % wav.channels === 0), rate: wav.sampleRate };
}

/**
 * Reads a siphon call's received audio until the call ends or `ms` of it came; resolves with what
 * came after the first `skipMs`.
 */
export async function heardBySiphon(call: Call, ms: number, skipMs = 1000): Promise<Heard> {
  const parts: Int16Array[] = [];
  let rate = call.audio.sampleRate;
  let total = 0;
  for await (const f of call.audio.frames(500)) {
    rate = f.sampleRate;
    const mono = f.channels === 1 ? f.samples.slice() : f.samples.filter((_, k) => k % f.channels === 0);
    parts.push(mono);
    total += mono.length;
    if (total >= (rate * ms) / 1000) break;
  }
  const out = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { mono: out.subarray(Math.min(out.length, Math.round((rate * skipMs) / 1000))), rate };
}

/** The tone in what was heard. */
export interface ToneHeard {
  /** The strongest frequency, Hz. */
  readonly hz: number;
  /** The median SNR of a sine fitted at the expected frequency, one 20 ms frame at a time, dB. */
  readonly snrDb: number;
  /** The share of 20 ms frames with an SNR above 20 dB. */
  readonly clean: number;
  /** Seconds of audio. */
  readonly seconds: number;
}

/**
 * The tone in `h`, expected at `hz`. The sine is fitted one 20 ms frame at a time: a jitter buffer
 * that drops a frame or inserts one (adapting its depth when packets come in bursts, as they do on
 * a busy machine) shifts the phase of everything after it by a frame, which one fit over the whole
 * recording would count as noise; here only a concealed frame, or one holding a seam, is unclean.
 */
export function toneOf(h: Heard, hz: number): ToneHeard {
  const piece = Math.round(h.rate / 50);
  const snrs: number[] = [];
  for (let at = 0; at + piece <= h.mono.length; at += piece) snrs.push(analyseTone(h.mono, h.rate, hz, at, piece).snrDb);
  snrs.sort((a, b) => a - b);
  return {
    hz: Math.round(detectFrequency(h.mono, h.rate) * 100) / 100,
    snrDb: snrs.length === 0 ? -Infinity : Math.round(snrs[snrs.length >> 1]! * 10) / 10,
    clean: snrs.length === 0 ? 0 : Math.round((100 * snrs.filter((x) => x > 20).length) / snrs.length) / 100,
    seconds: h.mono.length / h.rate,
  };
}

/**
 * Asserts that `got` is the tone at `hz`: within 3 Hz, a median SNR over 30 dB per 20 ms frame, 80 %
 * of its frames clean, and more than `minSeconds` of it.
 */
export function expectTone(got: ToneHeard, hz: number, minSeconds: number): void {
  expect(Math.abs(got.hz - hz), JSON.stringify(got)).toBeLessThan(3);
  expect(got.snrDb, JSON.stringify(got)).toBeGreaterThan(30);
  expect(got.clean, JSON.stringify(got)).toBeGreaterThanOrEqual(0.8);
  expect(got.seconds, JSON.stringify(got)).toBeGreaterThan(minSeconds);
}
