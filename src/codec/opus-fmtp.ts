import type { OpusBandwidth, OpusDecoderOptions, OpusEncoderOptions } from "./opus-codec.ts";

/**
 * The Opus format parameters of RFC 7587 §6.1 (`a=fmtp:<pt> maxplaybackrate=16000;useinbandfec=1`)
 * and what they mean for the encoder and decoder. The parameters describe what the *receiver*
 * of a stream wants (`maxplaybackrate`, `stereo`, `useinbandfec`, `usedtx`, `cbr`,
 * `maxaveragebitrate`) or what its *sender* will do (`sprop-maxcapturerate`, `sprop-stereo`):
 * the encoder follows the peer's parameters, the decoder the peer's `sprop-` ones.
 */
export interface OpusFmtp {
  /** Highest output rate the receiver can play, Hz (8000..48000). */
  readonly maxPlaybackRate?: number;
  /** Highest rate the sender captures at, Hz (8000..48000). */
  readonly spropMaxCaptureRate?: number;
  /** Highest average bitrate the receiver wants, bit/s (6000..510000). */
  readonly maxAverageBitrate?: number;
  /** The receiver prefers stereo. */
  readonly stereo?: boolean;
  /** The sender is likely to send stereo. */
  readonly spropStereo?: boolean;
  /** The receiver prefers constant bitrate. */
  readonly cbr?: boolean;
  /** The receiver can use in-band FEC. */
  readonly useInbandFec?: boolean;
  /** The receiver prefers discontinuous transmission. */
  readonly useDtx?: boolean;
  /** Shortest packetization the receiver wants, ms (RFC 4566 §6 `minptime`, §6.1 of RFC 7587). */
  readonly minPtime?: number;
  /** Longest packetization, ms. */
  readonly maxPtime?: number;
  /** Preferred packetization, ms. */
  readonly ptime?: number;
}

const INTS: Record<string, [keyof OpusFmtp, number, number]> = {
  maxplaybackrate: ["maxPlaybackRate", 8000, 48000],
  "sprop-maxcapturerate": ["spropMaxCaptureRate", 8000, 48000],
  maxaveragebitrate: ["maxAverageBitrate", 6000, 510000],
  minptime: ["minPtime", 3, 120],
  maxptime: ["maxPtime", 3, 120],
  ptime: ["ptime", 3, 120],
};
const FLAGS: Record<string, keyof OpusFmtp> = {
  stereo: "stereo",
  "sprop-stereo": "spropStereo",
  cbr: "cbr",
  useinbandfec: "useInbandFec",
  usedtx: "useDtx",
};

/**
 * Reads Opus format parameters from the text after the payload type of an `a=fmtp` line (or
 * from already split name/value pairs). Unknown parameters are ignored (RFC 7587 §6.1: receivers
 * ignore what they do not understand); values out of range or not `0`/`1` are left out too.
 */
export function parseOpusFmtp(params: string | Readonly<Record<string, string>>): OpusFmtp {
  const pairs: [string, string][] =
    typeof params === "string"
      ? params.split(";").map((p) => {
          const eq = p.indexOf("=");
          return eq < 0 ? [p.trim().toLowerCase(), ""] : [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim()];
        })
      : Object.entries(params).map(([k, v]) => [k.toLowerCase(), v.trim()]);
  const out: Record<string, number | boolean> = {};
  for (const [name, value] of pairs) {
    const int = INTS[name];
    if (int) {
      const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
      if (n >= int[1] && n <= int[2]) out[int[0]] = n;
      continue;
    }
    const flag = FLAGS[name];
    if (flag && (value === "0" || value === "1")) out[flag] = value === "1";
  }
  return out as OpusFmtp;
}

/** Formats parameters for an `a=fmtp` line (only those set, in RFC 7587 §6.1 order). */
export function formatOpusFmtp(fmtp: OpusFmtp): string {
  const parts: string[] = [];
  for (const [name, [key]] of Object.entries(INTS)) if (fmtp[key] !== undefined) parts.push(`${name}=${fmtp[key] as number}`);
  for (const [name, key] of Object.entries(FLAGS)) if (fmtp[key] !== undefined) parts.push(`${name}=${fmtp[key] ? 1 : 0}`);
  return parts.join(";");
}

function bandwidthFor(rate: number): OpusBandwidth {
  // RFC 6716 §2: NB 4 kHz audio (8 kHz sampling), MB 6 (12), WB 8 (16), SWB 12 (24), FB 20 (48).
  return rate <= 8000 ? "narrowband" : rate <= 12000 ? "mediumband" : rate <= 16000 ? "wideband" : rate <= 24000 ? "superwideband" : "fullband";
}

/**
 * Encoder settings that honour the peer's parameters (RFC 7587 §7.1): `maxplaybackrate` caps the
 * coded bandwidth, `maxaveragebitrate` the bitrate, `stereo=1` allows two channels (when
 * `localChannels` has them), `useinbandfec`, `usedtx` and `cbr` switch those on, and the frame
 * is the 20 ms default raised to `minptime`.
 */
export function opusEncoderOptionsFromFmtp(
  remote: OpusFmtp,
  local: { readonly bitrate?: number; readonly channels?: 1 | 2 } = {},
): Pick<OpusEncoderOptions, "channels" | "bitrate" | "fec" | "dtx" | "cbr" | "maxBandwidth" | "frameMs"> {
  const channels: 1 | 2 = remote.stereo && local.channels === 2 ? 2 : 1;
  let bitrate: number | undefined = local.bitrate;
  if (remote.maxAverageBitrate !== undefined) bitrate = Math.min(bitrate ?? remote.maxAverageBitrate, remote.maxAverageBitrate);
  const frames = [20, 40, 60] as const;
  const frameMs = frames.find((f) => f >= (remote.minPtime ?? 0)) ?? 60;
  const out: { -readonly [K in keyof OpusEncoderOptions]: OpusEncoderOptions[K] } = { channels, frameMs };
  if (bitrate !== undefined) out.bitrate = bitrate;
  if (remote.useInbandFec) out.fec = true;
  if (remote.useDtx) out.dtx = true;
  if (remote.cbr) out.cbr = true;
  if (remote.maxPlaybackRate !== undefined) out.maxBandwidth = bandwidthFor(remote.maxPlaybackRate);
  return out;
}

/**
 * Decoder settings for a peer's stream: stereo output when it announced `sprop-stereo=1`, and
 * a decoding rate no higher than it captures (`sprop-maxcapturerate`) nor than `localRate`.
 */
export function opusDecoderOptionsFromFmtp(remote: OpusFmtp, localRate: 8000 | 12000 | 16000 | 24000 | 48000 = 48000): OpusDecoderOptions {
  const rates = [8000, 12000, 16000, 24000, 48000] as const;
  const cap = Math.min(localRate, remote.spropMaxCaptureRate ?? 48000);
  const sampleRate = rates.find((r) => r >= cap) ?? 48000;
  return { channels: remote.spropStereo ? 2 : 1, sampleRate };
}
