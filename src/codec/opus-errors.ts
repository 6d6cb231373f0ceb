import { SiphonError } from "../errors.ts";

/**
 * Why an Opus call failed: libopus's error codes (opus_defines.h, OPUS_BAD_ARG = −1 …
 * OPUS_ALLOC_FAIL = −7) by name, plus the wrapper's own.
 */
export type OpusErrorCode =
  | "BAD_ARG" // −1: an argument libopus refused (rate, channels, frame size, CTL value)
  | "BUFFER_TOO_SMALL" // −2
  | "INTERNAL_ERROR" // −3
  | "INVALID_PACKET" // −4: a corrupt packet
  | "UNIMPLEMENTED" // −5: a CTL this build lacks
  | "INVALID_STATE" // −6
  | "ALLOC_FAIL" // −7
  | "BAD_OPTION" // an option the wrapper refuses before calling libopus
  | "UNSUPPORTED" // the engine cannot run the Wasm build
  | "CLOSED"; // the encoder or decoder was closed

const BY_NUMBER: Record<number, OpusErrorCode> = {
  [-1]: "BAD_ARG",
  [-2]: "BUFFER_TOO_SMALL",
  [-3]: "INTERNAL_ERROR",
  [-4]: "INVALID_PACKET",
  [-5]: "UNIMPLEMENTED",
  [-6]: "INVALID_STATE",
  [-7]: "ALLOC_FAIL",
};

/** The {@link OpusErrorCode} of a negative libopus return value. */
export function opusErrorCode(n: number): OpusErrorCode {
  return BY_NUMBER[n] ?? "INTERNAL_ERROR";
}

/** Thrown by the Opus encoder and decoder for options and states they cannot handle. */
export class OpusError extends SiphonError {
  declare readonly code: OpusErrorCode;

  constructor(code: OpusErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
