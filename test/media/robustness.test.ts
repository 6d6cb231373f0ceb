import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createOpusDecoder, parseOpusFmtp, tryParseOpusToc } from "../../src/codec/index.ts";
import { DtmfReceiver, encodeWav, JitterBuffer, MediaError, parseWav, tryParseDtmfInfo, tryParseWav } from "../../src/media/index.ts";

/**
 * Bad input from the network or from files gets a failure value (or a typed error from the
 * throwing forms) and nothing else: no other exception, no hang, no unbounded memory.
 */
describe("media input robustness (property tests)", () => {
  it("tryParseWav never throws; parseWav throws only MediaError, on random bytes and mutated files", () => {
    const good = encodeWav({ sampleRate: 8000, channels: 1, samples: Int16Array.from({ length: 64 }, (_, i) => i * 100) });
    const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(good.length)).map(([edits, cut]) => {
      const b = good.slice(0, Math.max(cut, 1));
      for (const [at, v] of edits) if (at < b.length) b[at] = v;
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        const r = tryParseWav(bytes);
        if (r.ok) expect(r.value.samples.length).toBeLessThanOrEqual(bytes.length);
        else expect(typeof r.code).toBe("string");
        try {
          parseWav(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("the jitter buffer takes any sequence numbers, timestamps and arrival times and stays bounded", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1, max: 70000 }), fc.integer({ min: -1, max: 2 ** 32 + 5 }), fc.integer({ min: 0, max: 127 }), fc.boolean()), { maxLength: 300 }),
        (ops) => {
          const jb = new JitterBuffer({ clockRate: 8000, maxPackets: 40, telephoneEventPayloadType: 101 });
          let now = 0;
          for (const [seq, ts, pt, pull] of ops) {
            now += 7;
            expect(["queued", "event", "duplicate", "late"]).toContain(jb.push({ sequenceNumber: seq, timestamp: ts, payloadType: pt, payload: new Uint8Array(4) }, now));
            if (pull) {
              const f = jb.pull(now);
              expect(f.samples).toBe(160);
            }
          }
          const s = jb.stats;
          expect(s.lost).toBeGreaterThanOrEqual(0);
          expect(s.currentDelayMs).toBeLessThanOrEqual(10 * 60_000);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("the DTMF receiver takes any payloads and timestamps without throwing", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(65535), fc.nat(), fc.boolean(), fc.uint8Array({ maxLength: 6 })), { maxLength: 100 }), (pkts) => {
        const rx = new DtmfReceiver();
        let now = 0;
        for (const [seq, ts, marker, payload] of pkts) {
          now += 20;
          rx.handlePacket({ sequenceNumber: seq, timestamp: ts, marker, payload }, now);
          rx.handleTimeout(now);
          for (let e; (e = rx.pollEvent()); ) expect(["dtmf-start", "dtmf"]).toContain(e.type);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("text parsers (dtmf-relay, Opus fmtp) and the Opus decoder take arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const r = tryParseDtmfInfo(text);
        if (!r.ok) expect(r.code).toBe("BAD_DTMF_INFO");
        expect(typeof parseOpusFmtp(text)).toBe("object");
      }),
      { numRuns: 2000 },
    );
    const dec = createOpusDecoder({ sampleRate: 16000 });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), (packet) => {
        const pcm = dec.decode(packet);
        const toc = tryParseOpusToc(packet);
        // What decodes is at most 120 ms; what the TOC refuses never decodes.
        expect(pcm.length).toBeLessThanOrEqual(1920);
        if (!toc.ok) expect(pcm.length).toBe(0);
      }),
      { numRuns: 2000 },
    );
    dec.close();
  });
});
