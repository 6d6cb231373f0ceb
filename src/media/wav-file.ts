import { MediaError } from "./errors.ts";
import { pcmFrames } from "./pcm-stream.ts";
import type { PcmFrame } from "./pcm-stream.ts";
import { parseWav, writeWavHeader, writeWavSamples } from "./wav.ts";
import type { WavEncoding } from "./wav.ts";

/**
 * WAV files as a source and a sink of PCM frames. File access is the runtime's business, so it
 * comes through two small interfaces that the runtime adapters implement (Node `fs/promises`,
 * Deno's file handles, Bun's file API); anything else that stores bytes (memory, object storage) fits too.
 */

/** Reads a whole file. */
export interface AudioFileReader {
  read(): Promise<Uint8Array>;
}

/**
 * Writes a file sequentially, with one rewrite of its first bytes at the end (the RIFF header
 * holds the data size, known only when recording stops).
 */
export interface AudioFileWriter {
  /** Appends bytes. */
  write(bytes: Uint8Array): Promise<void>;
  /** Overwrites bytes at `position` from the start of the file. */
  writeAt(position: number, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link wavSource}. */
export interface WavSourceOptions {
  /** Frame length in ms. Default 20. */
  readonly frameMs?: number;
}

/**
 * The frames of a WAV file (any format {@link parseWav} reads), `frameMs` each. A file that
 * cannot be read or parsed rejects the first `next()` with a {@link MediaError}.
 */
export async function* wavSource(file: AudioFileReader, options: WavSourceOptions = {}): AsyncGenerator<PcmFrame> {
  let bytes: Uint8Array;
  try {
    bytes = await file.read();
  } catch (cause) {
    throw new MediaError("DEVICE_ERROR", "WAV source: the file could not be read", 0, { cause });
  }
  const wav = parseWav(bytes);
  yield* pcmFrames(wav.samples, { sampleRate: wav.sampleRate, channels: wav.channels, frameMs: options.frameMs ?? 20 });
}

/** What {@link wavSink} writes. */
export interface WavSinkOptions {
  /** Storage in the file. Default `"pcm16"`. */
  readonly encoding?: WavEncoding;
}

/**
 * Records a stream of frames into a WAV file: a header with sizes 0 first (a reader of the
 * unfinished file still finds its format), the frames as they come, then the header again with
 * the real sizes, and closes the file (also when the stream fails). Resolves with the frames
 * written (samples per channel). The stream's first frame fixes rate and channels; a later frame
 * with others is a {@link MediaError} `BAD_OPTION`.
 */
export async function wavSink(source: AsyncIterable<PcmFrame>, file: AudioFileWriter, options: WavSinkOptions = {}): Promise<number> {
  const encoding = options.encoding ?? "pcm16";
  const bps = encoding === "pcm16" ? 2 : 1;
  let format: { sampleRate: number; channels: number; encoding: WavEncoding } | undefined;
  let header = new Uint8Array(0);
  let dataBytes = 0;
  try {
    for await (const f of source) {
      if (!format) {
        format = { sampleRate: f.sampleRate, channels: f.channels, encoding };
        header = new Uint8Array(64);
        header = header.subarray(0, writeWavHeader(format, 0, header, 0));
        await file.write(header);
      } else if (f.sampleRate !== format.sampleRate || f.channels !== format.channels) {
        throw new MediaError("BAD_OPTION", "WAV sink: frames changed rate or channel count");
      }
      const bytes = new Uint8Array(f.samples.length * bps);
      writeWavSamples(f.samples, encoding, bytes, 0);
      await file.write(bytes);
      dataBytes += bytes.length;
    }
    if (format) {
      if (dataBytes & 1) await file.write(new Uint8Array(1));
      writeWavHeader(format, dataBytes, header, 0);
      await file.writeAt(0, header);
    }
  } finally {
    await file.close();
  }
  return format ? dataBytes / bps / format.channels : 0;
}
