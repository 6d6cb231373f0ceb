/** The public value parsers of the SDP layer, by the line or attribute they read, for the tests. */
import type { ParseResult } from "../../src/errors.ts";
import {
  parseBandwidth,
  parseCandidate,
  parseConnection,
  parseCrypto,
  parseEventList,
  parseExtmap,
  parseFingerprint,
  parseFmtp,
  parseGroup,
  parseOrigin,
  parseRtcp,
  parseRtcpFeedback,
  parseRtpMap,
  parseSetup,
  parseSsrc,
  parseSsrcGroup,
  tryParseBandwidth,
  tryParseCandidate,
  tryParseConnection,
  tryParseCrypto,
  tryParseEventList,
  tryParseExtmap,
  tryParseFingerprint,
  tryParseFmtp,
  tryParseGroup,
  tryParseOrigin,
  tryParseRtcp,
  tryParseRtcpFeedback,
  tryParseRtpMap,
  tryParseSetup,
  tryParseSsrc,
  tryParseSsrcGroup,
} from "../../src/sdp/index.ts";
import type { SdpErrorCode } from "../../src/sdp/index.ts";

/** A `parseX` (throws) and its `tryParseX` (a result value). */
export interface ValuePair {
  readonly parse: (value: string) => unknown;
  readonly tryParse: (value: string) => ParseResult<unknown, SdpErrorCode>;
}

const pair = (parse: ValuePair["parse"], tryParse: ValuePair["tryParse"]): ValuePair => ({ parse, tryParse });

/** Keyed as the messages name them: `a=rtpmap`, `o=`, and the telephone-event list of an fmtp. */
export const VALUE_PARSERS: Readonly<Record<string, ValuePair>> = {
  "o=": pair(parseOrigin, tryParseOrigin),
  "c=": pair(parseConnection, tryParseConnection),
  "b=": pair(parseBandwidth, tryParseBandwidth),
  "a=rtpmap": pair(parseRtpMap, tryParseRtpMap),
  "a=fmtp": pair(parseFmtp, tryParseFmtp),
  "telephone-event list": pair(parseEventList, tryParseEventList),
  "a=rtcp": pair(parseRtcp, tryParseRtcp),
  "a=rtcp-fb": pair(parseRtcpFeedback, tryParseRtcpFeedback),
  "a=crypto": pair(parseCrypto, tryParseCrypto),
  "a=fingerprint": pair(parseFingerprint, tryParseFingerprint),
  "a=setup": pair(parseSetup, tryParseSetup),
  "a=candidate": pair(parseCandidate, tryParseCandidate),
  "a=ssrc": pair(parseSsrc, tryParseSsrc),
  "a=ssrc-group": pair(parseSsrcGroup, tryParseSsrcGroup),
  "a=group": pair(parseGroup, tryParseGroup),
  "a=extmap": pair(parseExtmap, tryParseExtmap),
};
