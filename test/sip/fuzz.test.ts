/**
 * Mutation fuzzing of the SIP message layer. Bad input from the network must give a value or a
 * SipParseError, never another exception and never a hang (CONTRIBUTING.md, "Bad input").
 *
 * Seeded (mulberry32) so a failure reproduces: the seed is printed, and SIPHON_FUZZ_SEED=<n>
 * replays a run; SIPHON_FUZZ_ITERATIONS=<n> changes its length. Seeds come from the RFC 4475 and
 * RFC 5118 fixtures and the bench corpus.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  formatUri,
  parseMessage,
  parseUri,
  serializeMessage,
  SipParseError,
  SipRequest,
  SipResponse,
  SipStreamFramer,
  SipValidationError,
  tryParseMessage,
  tryParseUri,
  validateMessage,
} from "../../src/sip/index.ts";
import type { SipMessage } from "../../src/sip/index.ts";
import { fuzzRun, prng } from "../prng.ts";

const { seed: SEED, iterations: ITERATIONS } = fuzzRun(0x5eed4475, 100_000);

function load(dir: URL, ext: string): Uint8Array[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => new Uint8Array(readFileSync(new URL(f, dir))));
}

const SEEDS: Uint8Array[] = [
  ...load(new URL("../vectors/rfc4475/", import.meta.url), ".dat"),
  ...load(new URL("../vectors/rfc5118/", import.meta.url), ".sip"),
  ...load(new URL("../../bench/corpus/", import.meta.url), ".sip"),
];

const enc = new TextEncoder();
const SPECIAL = [
  "\r", "\n", " ", "\0", ":", ";", "<", ">", '"', ",", "\\", "@", "[", "]", "%", "\t", "\r\n", "\r\n ", "\r\n\r\n",
  "=", "?", "&", "/", "\x7f", "\xff", "é", "SIP/2.0", "sip:", "tag=", "branch=",
].map((s) => enc.encode(s));
const NUMBERS = ["99999999999999999999999999", "-1", "4294967296", "2147483648", "0x10", "1e9", "", "00000000000000000070", "-0", "NaN"].map(
  (s) => enc.encode(s),
);

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Start offsets of the lines of `b` (after each LF). */
function lineStarts(b: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < b.length; i++) if (b[i] === 10 && i + 1 < b.length) starts.push(i + 1);
  return starts;
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b = src;
  const count = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < count; k++) {
    const pos = Math.floor(rnd() * (b.length + 1));
    switch (Math.floor(rnd() * 10)) {
      case 0: {
        // byte flip
        if (b.length === 0) break;
        b = b.slice();
        const i = Math.min(pos, b.length - 1);
        b[i] = rnd() < 0.5 ? b[i]! ^ (1 << Math.floor(rnd() * 8)) : Math.floor(rnd() * 256);
        break;
      }
      case 1:
      case 2:
        // insertion of a separator or control character
        b = concat(b.subarray(0, pos), SPECIAL[Math.floor(rnd() * SPECIAL.length)]!, b.subarray(pos));
        break;
      case 3:
        // truncation
        b = b.subarray(0, pos);
        break;
      case 4: {
        // duplicate a header line
        const starts = lineStarts(b);
        const li = 1 + Math.floor(rnd() * Math.max(1, starts.length - 1));
        const s = starts[Math.min(li, starts.length - 1)]!;
        const e = starts[Math.min(li + 1, starts.length - 1)] ?? b.length;
        if (e > s) b = concat(b.subarray(0, e), b.subarray(s, e), b.subarray(e));
        break;
      }
      case 5: {
        // replace a run of digits by a huge, negative or odd number
        let i = pos;
        while (i < b.length && (b[i]! < 0x30 || b[i]! > 0x39)) i++;
        if (i >= b.length) break;
        let j = i;
        while (j < b.length && b[j]! >= 0x30 && b[j]! <= 0x39) j++;
        b = concat(b.subarray(0, i), NUMBERS[Math.floor(rnd() * NUMBERS.length)]!, b.subarray(j));
        break;
      }
      case 6: {
        // long run of one character
        const ch = [0x61, 0x20, 0x3b, 0x2c, 0x22, 0x3c, 0x25, 0x5c, 0x0d, 0x09][Math.floor(rnd() * 10)]!;
        const run = new Uint8Array(1 + Math.floor(rnd() * (rnd() < 0.1 ? 20_000 : 300))).fill(ch);
        b = concat(b.subarray(0, pos), run, b.subarray(pos));
        break;
      }
      case 7: {
        // delete a range
        const len = Math.floor(rnd() * 40);
        b = concat(b.subarray(0, pos), b.subarray(Math.min(b.length, pos + len)));
        break;
      }
      case 8: {
        // swap two lines
        const starts = lineStarts(b);
        if (starts.length < 3) break;
        const a = 1 + Math.floor(rnd() * (starts.length - 2));
        const c = 1 + Math.floor(rnd() * (starts.length - 2));
        const [x, y] = a < c ? [a, c] : [c, a];
        if (x === y) break;
        const xs = starts[x]!, xe = starts[x + 1]!, ys = starts[y]!, ye = starts[y + 1] ?? b.length;
        b = concat(b.subarray(0, xs), b.subarray(ys, ye), b.subarray(xe, ys), b.subarray(xs, xe), b.subarray(ye));
        break;
      }
      default: {
        // splice in a piece of another seed message
        const other = SEEDS[Math.floor(rnd() * SEEDS.length)]!;
        const s = Math.floor(rnd() * other.length);
        const e = Math.min(other.length, s + Math.floor(rnd() * 200));
        b = concat(b.subarray(0, pos), other.subarray(s, e), b.subarray(pos));
      }
    }
  }
  return b;
}

/** Runs `f`; anything thrown must be a SipParseError. */
function typed<T>(what: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof SipParseError) return undefined;
    throw new Error(`${what}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

const ACCESSORS = [
  "callId", "cseq", "from", "to", "fromTag", "toTag", "branch", "via", "topVia", "maxForwards", "contact", "route",
  "recordRoute", "contentType", "contentLength", "expires", "allow", "supported", "require", "unsupported",
  "proxyRequire", "rseq", "rack", "event", "subscriptionState", "referTo", "referredBy", "replaces", "sessionExpires",
  "minSE", "authorization", "proxyAuthorization", "wwwAuthenticate", "proxyAuthenticate", "body", "bodyText",
] as const;

/** Everything a receiver may do with a parsed message; only SipParseError may come out. */
function exercise(m: SipMessage, where: string, reserialize = true): void {
  for (const key of ACCESSORS) typed(`${where} .${key}`, () => (m as unknown as Record<string, unknown>)[key]);
  if (m instanceof SipRequest) {
    void m.method;
    void m.uriText;
    typed(`${where} .uri`, () => m.uri);
  } else if (m instanceof SipResponse) {
    void m.status;
    void m.reason;
  }
  m.headerFields();
  const v = typed(`${where} validateMessage`, () =>
    validateMessage(m, { uriSchemes: ["sip", "sips", "tel"], checkMaxForwards: true, supported: [], proxySupported: [], accept: ["application/sdp"] }),
  );
  if (v !== undefined) expect(v).toBeInstanceOf(SipValidationError);

  // the serialized form of a message we accepted must parse again
  const out = serializeMessage(m);
  const again = typed(`${where} re-parse`, () => parseMessage(out));
  if (again === undefined) throw new Error(`${where}: serialized message does not parse again`);
  // and so must the field-by-field serialization
  if (!reserialize) return;
  m.addHeader("X-Fuzz", "1");
  m.removeHeader("X-Fuzz");
  const out2 = serializeMessage(m);
  const again2 = typed(`${where} re-parse (edited)`, () => parseMessage(out2));
  if (again2 === undefined) throw new Error(`${where}: re-serialized message does not parse again`);
  expect(again2.contentLength).toBe(again2.body.length);
}

/** Generous per-test limit: Bun's default is 5 s, and CI machines are shared. */
const SLOW = 120_000;
/** The run is split so that each test stays short; the PRNG streams continue across parts. */
const PARTS = 4;

describe("fuzz: parseMessage on mutated messages", () => {
  const per = Math.ceil(ITERATIONS / PARTS);

  // Each part draws from its own PRNG stream (seeded from SEED and the part), so each test stands
  // alone: it runs and judges its own inputs, whatever else runs or is filtered out.
  for (let part = 0; part < PARTS; part++) {
    const from = part * per;
    const to = Math.min(ITERATIONS, from + per);
    it(`mutated messages ${from}..${to - 1} give a message or a typed failure (seed ${SEED})`, () => {
      const rnd = prng(SEED + part * 0x9e3779b1);
      let parsed = 0;
      let rejected = 0;
      const codes = new Map<string, number>();
      for (let n = from; n < to; n++) {
        const input = mutate(SEEDS[n % SEEDS.length]!, rnd);
        const where = `seed ${SEED} part ${part} iteration ${n}`;
        const r = tryParseMessage(input);
        let m: SipMessage;
        try {
          m = parseMessage(input);
        } catch (e) {
          if (!(e instanceof SipParseError)) {
            throw new Error(`${where}: parseMessage threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
          }
          // The result value and the exception say the same.
          expect(r).toEqual({ ok: false, code: e.code, offset: e.offset });
          rejected++;
          codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
          continue;
        }
        expect(r.ok, where).toBe(true);
        parsed++;
        // the field-by-field re-serialization on every 4th accepted input keeps the run short
        exercise(m, where, (parsed & 3) === 0);
      }
      console.log(
        `fuzz parseMessage part ${part}: ${to - from} inputs, ${parsed} parsed, ${rejected} rejected: ` +
          [...codes].sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c} ${k}`).join(", "),
      );
      expect(parsed + rejected).toBe(to - from);
      expect(parsed).toBeGreaterThan(0);
      expect(rejected).toBeGreaterThan(0);
    }, SLOW);
  }

  it("random bytes and empty input give SipParseError", () => {
    const rnd = prng(SEED ^ 0xabcdef);
    for (let n = 0; n < 2000; n++) {
      const b = new Uint8Array(Math.floor(rnd() * 600));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
      const m = typed(`random ${n}`, () => parseMessage(b));
      if (m) exercise(m, `random ${n}`);
    }
    expect(() => parseMessage(new Uint8Array(0))).toThrow(SipParseError);
    expect(() => parseMessage("\r\n\r\n")).toThrow(SipParseError);
  }, SLOW);
});

describe("fuzz: parseUri", () => {
  const URIS = [
    "sip:alice@atlanta.example.com",
    "sips:bob:secret@[2001:db8::10]:5061;transport=tls;lr?Subject=hi&Priority=urgent",
    "sip:+1-212-555-1212:1234@gateway.com;user=phone",
    "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
    "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
    "sip:user;par=u%40example.net@example.com",
    "tel:+1-201-555-0123;ext=1234;phone-context=example.com",
    "sip:[::ffff:192.0.2.10]:19823;maddr=239.255.255.1;ttl=15",
    "nobodyKnowsThisScheme:totallyopaquecontent",
    "sip:user@example.com?Route=%3Csip:example.com%3E",
  ];

  it("mutated URIs give a Uri or a SipParseError; a parsed Uri formats to text that parses again", () => {
    const rnd = prng(SEED ^ 0x1234);
    let ok = 0;
    for (let n = 0; n < 30_000; n++) {
      const text = new TextDecoder().decode(mutate(enc.encode(URIS[n % URIS.length]!), rnd));
      const uri = typed(`parseUri #${n} ${JSON.stringify(text)}`, () => parseUri(text));
      const r = tryParseUri(text);
      expect(r.ok).toBe(uri !== undefined);
      if (!uri) continue;
      ok++;
      // A parsed URI prints as its text form.
      expect(String(uri)).toBe(formatUri(uri));
      const formatted = formatUri(uri);
      const back = typed(`formatUri #${n}`, () => parseUri(formatted));
      expect(back, `#${n}: ${JSON.stringify(text)} formats to ${JSON.stringify(formatted)}, which does not parse`).toBeDefined();
    }
    expect(ok).toBeGreaterThan(0);
  }, SLOW);
});

describe("fuzz: SipStreamFramer (RFC 3261 §18.3, RFC 5626 §4.4.1)", () => {
  // Messages with a correct Content-Length, as a stream sender writes them.
  const messages: Uint8Array[] = [];
  for (const s of SEEDS) {
    try {
      const m = parseMessage(s);
      m.addHeader("X-Stream", "1");
      m.removeHeader("X-Stream");
      messages.push(serializeMessage(m));
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
    }
  }

  function drain(f: SipStreamFramer, out: { kind: string; bytes?: Uint8Array; error?: unknown }[]): void {
    for (let guard = 0; guard < 100_000; guard++) {
      const ev = f.poll();
      if (ev === undefined) return;
      out.push(ev);
      if (ev.kind === "error") {
        expect(ev.error).toBeInstanceOf(SipParseError);
        return;
      }
    }
    throw new Error("poll() did not run dry");
  }

  it("random chunkings of a valid stream reassemble to the same messages", () => {
    expect(messages.length).toBeGreaterThan(20);
    const rnd = prng(SEED ^ 0x77);
    for (let round = 0; round < 200; round++) {
      const picked: Uint8Array[] = [];
      const parts: Uint8Array[] = [];
      let pings = 0;
      const k = 1 + Math.floor(rnd() * 12);
      for (let i = 0; i < k; i++) {
        if (rnd() < 0.2) {
          parts.push(enc.encode("\r\n\r\n"));
          pings++;
        }
        const m = messages[Math.floor(rnd() * messages.length)]!;
        picked.push(m);
        parts.push(m);
      }
      const stream = concat(...parts);
      const f = new SipStreamFramer();
      const events: { kind: string; bytes?: Uint8Array }[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = rnd() < 0.3 ? 1 + Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * 700);
        f.push(stream.subarray(at, at + n));
        at += n;
        drain(f, events);
      }
      drain(f, events);
      expect(events.filter((e) => e.kind === "error")).toEqual([]);
      // A CRLFCRLF split as CRLF | CRLF by the reads is two pongs: the framer cannot tell it from
      // two pongs without waiting, and a pong must not wait (RFC 5626 §4.4.1).
      const count = (k: string): number => events.filter((e) => e.kind === k).length;
      expect(2 * count("ping") + count("pong")).toBe(2 * pings);
      const got = events.filter((e) => e.kind === "message").map((e) => e.bytes!);
      expect(got.length).toBe(picked.length);
      for (let i = 0; i < got.length; i++) expect(got[i]).toEqual(picked[i]);
      expect(f.buffered).toBe(0);
    }
  }, SLOW);

  it("mutated and random streams give messages, keep-alives or one typed error", () => {
    const rnd = prng(SEED ^ 0x99);
    for (let round = 0; round < 1500; round++) {
      const base = concat(...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => messages[Math.floor(rnd() * messages.length)]!));
      let stream: Uint8Array;
      if (round % 3 === 0) {
        stream = new Uint8Array(Math.floor(rnd() * 3000));
        for (let i = 0; i < stream.length; i++) stream[i] = Math.floor(rnd() * 256);
      } else {
        stream = mutate(base, rnd);
      }
      const f = new SipStreamFramer({ limits: { maxMessageSize: 16_384 } });
      const events: { kind: string; bytes?: Uint8Array; error?: unknown }[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = 1 + Math.floor(rnd() * 500);
        f.push(stream.subarray(at, at + n));
        at += n;
        drain(f, events);
        if (events.some((e) => e.kind === "error")) break;
      }
      for (const e of events) {
        expect(["message", "ping", "pong", "error"]).toContain(e.kind);
        if (e.kind === "message") typed(`framed message round ${round}`, () => parseMessage(e.bytes!));
      }
      expect(events.filter((e) => e.kind === "error").length).toBeLessThanOrEqual(1);
      // bounded: what is held never exceeds one message limit plus one pushed chunk
      expect(f.buffered).toBeLessThanOrEqual(16_384 + 500);
    }
  }, SLOW);
});
