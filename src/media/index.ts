/**
 * The media layer, all sans-I/O and web-standard. The RTP session (`createRtpSession`): one
 * negotiated m= line's RTP and RTCP — sending PCM through a codec plug (G.711, G.722, Opus, or
 * one of your own), receiving through SSRC demultiplexing, statistics and the playout, DTMF, comfort
 * noise, SDES-SRTP, latching, RTCP reports with XR VoIP metrics, call quality. And its audio
 * building blocks: the adaptive jitter buffer with packet-loss concealment and comfort noise, RFC
 * 4733 DTMF reception and the SIP INFO `application/dtmf-relay` body, PCM frames as async
 * iterables, tone generation and analysis, WAV files, resampling, echo, and the ITU-T G.107
 * E-model. And the RTP relay (`createRtpRelay`): two legs' SRTP forwarded without decoding, each
 * under its own leg's keys.
 * @module
 */
export { MediaError } from "./errors.ts";
export type { MediaErrorCode, MediaParseFailure } from "./errors.ts";
export { JitterBuffer } from "./jitter-buffer.ts";
export type { JitterBufferOptions, JitterBufferState, JitterBufferStats, JitterFrame, JitterPacket } from "./jitter-buffer.ts";
export { AudioPlayout } from "./playout.ts";
export type { AudioPlayoutOptions, PlayoutDecoder, PlayoutFrame } from "./playout.ts";
export { createG722PlayoutDecoder } from "./g722-decoder.ts";
export type { G722PlayoutDecoder } from "./g722-decoder.ts";
export { PacketLossConcealer } from "./plc.ts";
export { ComfortNoiseGenerator } from "./comfort-noise.ts";
export { DtmfReceiver } from "./dtmf-receiver.ts";
export type {
  DtmfDigitEvent,
  DtmfPacket,
  DtmfReceiverEvent,
  DtmfReceiverOptions,
  DtmfReceiverState,
  DtmfStart,
} from "./dtmf-receiver.ts";
export { DTMF_RELAY_CONTENT_TYPE, formatDtmfInfo, parseDtmfInfo, tryParseDtmfInfo } from "./dtmf-info.ts";
export type { DtmfInfo } from "./dtmf-info.ts";
export {
  amplitudeToDbm0,
  DBM0_PEAK,
  dbm0ToAmplitude,
  dtmfFrequencies,
  generateDtmf,
  generateSilence,
  generateTone,
  ToneGenerator,
} from "./tone.ts";
export type { ToneOptions } from "./tone.ts";
export { analyseTone, detectFrequency, goertzelAmplitude, rms } from "./tone-analysis.ts";
export type { DetectFrequencyOptions, Samples, ToneAnalysis } from "./tone-analysis.ts";
export { createResampler, resample, Resampler } from "./resample.ts";
export type { ResamplerOptions } from "./resample.ts";
export { collectPcm, concatPcm, frameSamples, PcmQueue, pcmFrames, reframePcm, resamplePcm } from "./pcm-stream.ts";
export type { PcmFrame, PcmFramesOptions } from "./pcm-stream.ts";
export { encodeWav, parseWav, tryParseWav, wavSize, writeWav, writeWavHeader, writeWavSamples } from "./wav.ts";
export type { WavAudio, WavEncoding } from "./wav.ts";
export { wavSink, wavSource } from "./wav-file.ts";
export type { AudioFileReader, AudioFileWriter, WavSinkOptions, WavSourceOptions } from "./wav-file.ts";
export { EchoLine, echoPcm } from "./echo.ts";
export type { EchoOptions } from "./echo.ts";
export { burstRatio, CODEC_IMPAIRMENTS, eModel, rToMos } from "./quality.ts";
export type { CodecImpairment, CodecName, EModelInput, EModelResult } from "./quality.ts";
export { createRtpSession } from "./rtp-session.ts";
export type { RtpSession } from "./rtp-session.ts";
export type { RtpSessionState } from "./rtp-session.ts";
export type {
  ClosedEvent,
  MediaTransmit,
  QualityEvent,
  RemoteByeEvent,
  RtpResumedEvent,
  RtpSessionCounters,
  RtpSessionEvent,
  RtpSessionOptions,
  RtpTimeoutEvent,
  SourceLatchedEvent,
  SsrcChangeEvent,
} from "./rtp-session-types.ts";
export { codecPtime, DEFAULT_AUDIO_CODECS, findAudioCodec, G722, OPUS, PCMA, PCMU } from "./audio-codec.ts";
export type { AudioCodec, AudioCodecParameters, AudioDecoder, AudioEncoder } from "./audio-codec.ts";
export { warmUpAudioCodec, warmUpAudioCodecs } from "./codec-warm-up.ts";
export type { CallQuality, RemoteReception } from "./call-quality.ts";
export type { BurstGapMetrics } from "./voip-metrics.ts";
export type { MediaAddress } from "./latching.ts";
export { createRtpRelay } from "./rtp-relay.ts";
export type { RtpRelay, RelayLatchedEvent, RelayLeg, RelayTransmit, RtpRelayCounters, RtpRelayOptions, RtpRelayState } from "./rtp-relay.ts";
