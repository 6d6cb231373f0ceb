import { SiphonError } from "../errors.ts";
import type { ParseFailure } from "../errors.ts";

/**
 * Why media input was refused: one list for the layer (WAV files, DTMF-relay bodies, options).
 */
export type MediaErrorCode =
  | "TOO_SHORT" // fewer bytes than the structure needs
  | "NOT_RIFF" // a WAV file that does not start with `RIFF` (or `RIFX`, which is refused as unsupported)
  | "NOT_WAVE" // a RIFF file whose form type is not `WAVE`
  | "NO_FORMAT" // no `fmt ` chunk before the `data` chunk
  | "NO_DATA" // no `data` chunk
  | "BAD_CHUNK" // a chunk whose size runs past the end of the file
  | "BAD_FORMAT" // a `fmt ` chunk whose fields contradict each other (block align, rates, channels)
  | "UNSUPPORTED_FORMAT" // a valid format this reader does not decode (e.g. 24-bit, float, ADPCM)
  | "BAD_DTMF_INFO" // an `application/dtmf-relay` body without a valid Signal line
  | "BAD_OPTION" // an option out of range (sample rate, frame size, level)
  | "DEVICE_ERROR" // a file or device behind an AudioFile interface failed
  | "NO_RESOURCES"; // no media port pair (or other resource) is free now

/** The failure arm of the media layer's byte and text parsers. */
export type MediaParseFailure = ParseFailure<MediaErrorCode>;

/** Builds a {@link MediaParseFailure} (no Error object, no stack trace). */
export function mediaFailure(code: MediaErrorCode, offset: number): MediaParseFailure {
  return { ok: false, code, offset };
}

/**
 * Thrown by the media layer's throwing forms (`parseWav`, `parseDtmfInfo`) and by constructors
 * given options out of range. `offset` is the byte or character position where one applies.
 */
export class MediaError extends SiphonError {
  declare readonly code: MediaErrorCode;
  readonly offset: number;

  constructor(code: MediaErrorCode, message: string, offset = 0, options?: { cause?: unknown }) {
    super(code, message, options);
    this.offset = offset;
  }
}

/** Throws a {@link MediaError} `BAD_OPTION` unless `ok`. */
export function checkOption(ok: boolean, message: string): void {
  if (!ok) throw new MediaError("BAD_OPTION", message);
}
