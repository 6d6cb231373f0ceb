import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encodeTelephoneEvent, telephoneEventPackets } from "../../src/codec/index.ts";
import { DtmfReceiver, formatDtmfInfo, MediaError, parseDtmfInfo, tryParseDtmfInfo } from "../../src/media/index.ts";
import type { DtmfPacket, DtmfReceiverEvent } from "../../src/media/index.ts";
import { prng } from "../prng.ts";

interface Fixture {
  clockRate: number;
  packets: { atMs: number; seq: number; ts: number; marker: boolean; payload: string }[];
  digits: { digit: string; duration: number; volume: number; timestamp: number }[];
}
const fixture = JSON.parse(readFileSync(new URL("../vectors/media/rfc4733-digit-1.json", import.meta.url), "utf8")) as Fixture;
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const packets = fixture.packets.map((p) => ({ at: p.atMs, pkt: { sequenceNumber: p.seq, timestamp: p.ts, marker: p.marker, payload: hex(p.payload) } as DtmfPacket }));

function run(rx: DtmfReceiver, list: { at: number; pkt: DtmfPacket }[], until = 2000): DtmfReceiverEvent[] {
  const out: DtmfReceiverEvent[] = [];
  const drain = () => {
    for (let e; (e = rx.pollEvent()); ) out.push(e);
  };
  for (const { at, pkt } of list) {
    const t = rx.pollTimeout();
    if (t !== undefined && t <= at) rx.handleTimeout(t);
    rx.handlePacket(pkt, at);
    drain();
  }
  const t = rx.pollTimeout();
  if (t !== undefined && t <= until) rx.handleTimeout(t);
  drain();
  return out;
}
const digits = (events: DtmfReceiverEvent[]) => events.filter((e) => e.type === "dtmf");

describe("RFC 4733 DTMF receiver", () => {
  it("RFC 4733 §2.5.1: the reference sequence gives one start and one digit per event; redundant end packets are dropped", () => {
    const rx = new DtmfReceiver();
    const events = run(rx, packets);
    expect(events.map((e) => e.type)).toEqual(["dtmf-start", "dtmf", "dtmf-start", "dtmf"]);
    expect(digits(events).map((e) => e.type === "dtmf" && { digit: e.digit, duration: e.duration, volume: e.volume, timestamp: e.timestamp })).toEqual(fixture.digits);
    expect(digits(events).map((e) => e.type === "dtmf" && [e.durationMs, e.endedBy])).toEqual([[200, "end-packet"], [100, "end-packet"]]);
    expect(rx.ignored).toBe(4);
    expect(rx.state).toBe("ended");
  });

  it("RFC 4733 §2.5.1 sender → receiver: the packets of src/codec's DTMF sender come back as the digits sent", () => {
    const rx = new DtmfReceiver();
    const sent = "0123456789*#ABCD";
    const list: { at: number; pkt: DtmfPacket }[] = [];
    let seq = 65530;
    for (let i = 0; i < sent.length; i++) {
      const start = i * 400;
      for (const p of telephoneEventPackets({ event: sent[i]!, durationMs: 120 + 10 * i, volume: 7 }, { timestamp: (0xffff0000 + start * 8) >>> 0, sequenceNumber: seq })) {
        list.push({ at: start + p.offsetMs, pkt: { sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, marker: p.marker, payload: encodeTelephoneEvent(p.payload) } });
        seq = (p.sequenceNumber + 1) & 0xffff;
      }
    }
    const got = digits(run(rx, list));
    expect(got.map((e) => e.digit).join("")).toBe(sent);
    expect(got.map((e) => e.type === "dtmf" && e.durationMs)).toEqual(Array.from(sent, (_, i) => 120 + 10 * i));
    expect(got.every((e) => e.volume === 7)).toBe(true);
  });

  it("RFC 4733 §2.5.2.1: a lost first packet (marker) still starts the event", () => {
    const events = run(new DtmfReceiver(), packets.slice(1));
    expect(digits(events).map((e) => e.digit)).toEqual(["1", "#"]);
    expect(events[0]).toMatchObject({ type: "dtmf-start", digit: "1", timestamp: 160000 });
  });

  it("RFC 4733 §2.5.2.1: all end packets lost — the next event ends the digit with its last known duration", () => {
    const list = packets.filter((p) => !(p.pkt.timestamp === 160000 && (p.pkt.payload[1]! & 0x80)));
    // The next digit comes 200 ms after the last update: within a 500 ms end timeout.
    const got = digits(run(new DtmfReceiver({ endTimeoutMs: 500 }), list));
    expect(got.map((e) => e.type === "dtmf" && [e.digit, e.duration, e.endedBy])).toEqual([["1", 1200, "new-event"], ["#", 800, "end-packet"]]);
  });

  it("RFC 4733 §2.5.2.1: all end packets lost and nothing follows — the event ends on the timeout", () => {
    const rx = new DtmfReceiver({ endTimeoutMs: 200 });
    const list = packets.slice(0, 3);
    for (const { at, pkt } of list) rx.handlePacket(pkt, at);
    expect(rx.pollTimeout()).toBe(150 + 200);
    rx.handleTimeout(349);
    expect(rx.state).toBe("active");
    rx.handleTimeout(350);
    const events = [rx.pollEvent(), rx.pollEvent()];
    expect(events[1]).toMatchObject({ type: "dtmf", digit: "1", duration: 1200, endedBy: "timeout" });
    expect(rx.pollTimeout()).toBeUndefined();
  });

  it("RFC 4733 §2.5.2.1: reordered updates never shorten the event; a late update after the end is ignored", () => {
    const p = packets.map((x) => x);
    const reordered = [p[0]!, p[2]!, p[1]!, p[3]!, p[4]!, p[1]!, p[5]!];
    const rx = new DtmfReceiver();
    const got = digits(run(rx, reordered));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ digit: "1", duration: 1600 });
    expect(rx.ignored).toBe(3);
  });

  it("RFC 4733 §2.5.1.3: a long event continues in segments of new timestamps and is one digit with the total duration", () => {
    // 10 s of '5' at 8 kHz: the first segment reaches 0xFFFF at 8.19 s, the next starts at ts + 0xFFFF.
    const rx = new DtmfReceiver();
    const list: { at: number; pkt: DtmfPacket }[] = [];
    let seq = 1;
    const t0 = 0xfffff000; // crosses the 32-bit timestamp wrap on the way
    const push = (at: number, ts: number, duration: number, end: boolean, marker = false) =>
      list.push({ at, pkt: { sequenceNumber: seq++, timestamp: ts >>> 0, marker, payload: encodeTelephoneEvent({ event: 5, end, volume: 12, duration }) } });
    for (let ms = 50; ms <= 8150; ms += 50) push(ms, t0, ms * 8, false, ms === 50);
    push(8191.875, t0, 0xffff, false);
    for (let ms = 8200; ms < 10_000; ms += 50) push(ms, t0 + 0xffff, ms * 8 - 0xffff, false);
    for (let k = 0; k < 3; k++) push(10_000, t0 + 0xffff, 80_000 - 0xffff, true);
    const events = run(rx, list, 20_000);
    expect(events.map((e) => e.type)).toEqual(["dtmf-start", "dtmf"]);
    expect(events[1]).toMatchObject({ digit: "5", duration: 80_000, durationMs: 10_000, endedBy: "end-packet", timestamp: t0 });
  });

  it("RFC 4733 §2.5.2: a repeated digit with a new timestamp is a new digit; malformed payloads are counted", () => {
    const rx = new DtmfReceiver();
    const mk = (seq: number, ts: number, end: boolean, dur: number) => ({ sequenceNumber: seq, timestamp: ts, marker: !end, payload: encodeTelephoneEvent({ event: 5, end, volume: 10, duration: dur }) });
    const events = run(rx, [
      { at: 0, pkt: mk(1, 800, false, 400) },
      { at: 50, pkt: mk(2, 800, true, 800) },
      { at: 50, pkt: { sequenceNumber: 3, timestamp: 800, payload: Uint8Array.of(5, 0x8a) } },
      { at: 300, pkt: mk(4, 4000, false, 400) },
      { at: 350, pkt: mk(5, 4000, true, 800) },
    ]);
    expect(digits(events).map((e) => e.digit).join("")).toBe("55");
    expect(rx.ignored).toBe(1);
  });

  it("lossy paths: 20 % loss and reordering of a 40-digit sequence still give every digit once, in order", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = prng(seed);
      const sent = Array.from({ length: 40 }, () => "0123456789*#"[Math.floor(rnd() * 12)]!).join("");
      const list: { at: number; pkt: DtmfPacket }[] = [];
      let seq = Math.floor(rnd() * 65536);
      for (let i = 0; i < sent.length; i++) {
        for (const p of telephoneEventPackets({ event: sent[i]!, durationMs: 160 }, { timestamp: i * 3200, sequenceNumber: seq })) {
          seq = (p.sequenceNumber + 1) & 0xffff;
          if (rnd() < 0.2) continue;
          list.push({ at: i * 400 + p.offsetMs + rnd() * 30, pkt: { sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, marker: p.marker, payload: encodeTelephoneEvent(p.payload) } });
        }
      }
      list.sort((a, b) => a.at - b.at);
      const got = digits(run(new DtmfReceiver(), list, 100_000));
      expect(got.map((e) => e.digit).join(""), `seed ${seed}`).toBe(sent);
    }
  });
});

describe("DTMF over SIP INFO (application/dtmf-relay)", () => {
  it("parses Signal and Duration, CRLF or LF, any case and spacing", () => {
    expect(parseDtmfInfo("Signal=5\r\nDuration=160\r\n")).toEqual({ signal: "5", event: 5, durationMs: 160 });
    expect(parseDtmfInfo("signal = *\nduration= 250\n")).toEqual({ signal: "*", event: 10, durationMs: 250 });
    expect(parseDtmfInfo("Signal=11\r\n")).toEqual({ signal: "#", event: 11 });
    expect(parseDtmfInfo("Signal=16\r\nDuration=2000")).toEqual({ signal: "flash", event: 16, durationMs: 2000 });
    expect(parseDtmfInfo("Signal=d\r\n")).toMatchObject({ signal: "D", event: 15 });
  });

  it("refuses a body without a valid Signal or with a bad Duration", () => {
    expect(tryParseDtmfInfo("Duration=160\r\n")).toEqual({ ok: false, code: "BAD_DTMF_INFO", offset: 0 });
    expect(tryParseDtmfInfo("Signal=X\r\n")).toEqual({ ok: false, code: "BAD_DTMF_INFO", offset: 7 });
    expect(tryParseDtmfInfo("Signal=17\r\n")).toMatchObject({ ok: false, code: "BAD_DTMF_INFO" });
    expect(tryParseDtmfInfo("Signal=1\r\nDuration=-5\r\n")).toEqual({ ok: false, code: "BAD_DTMF_INFO", offset: 19 });
    expect(() => parseDtmfInfo("")).toThrow(MediaError);
  });

  it("formats what it parses", () => {
    expect(formatDtmfInfo({ signal: "5", durationMs: 160 })).toBe("Signal=5\r\nDuration=160\r\n");
    expect(formatDtmfInfo({ signal: 11 })).toBe("Signal=#\r\nDuration=250\r\n");
    expect(formatDtmfInfo({ signal: "flash", durationMs: 500 })).toBe("Signal=16\r\nDuration=500\r\n");
    for (const key of "0123456789*#ABCD") expect(parseDtmfInfo(formatDtmfInfo({ signal: key, durationMs: 100 }))).toMatchObject({ signal: key, durationMs: 100 });
    expect(() => formatDtmfInfo({ signal: "X" })).toThrow(MediaError);
  });
});
