// The UAS checks of RFC 3261 §8.2 in the transaction layer, on RFC 4475's own torture messages
// (test/vectors/rfc4475/, byte-exact) and on variants of a valid request.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMessage, type SipRequest, type SipResponse } from "../../src/sip/index.ts";
import { TransactionLayer } from "../../src/transaction/index.ts";
import { drain, makeRequest, types, UDP, type TestFlow } from "./harness.ts";

const DIR = new URL("../vectors/rfc4475/", import.meta.url);
const vector = (name: string) => parseMessage(new Uint8Array(readFileSync(new URL(`${name}.dat`, DIR)))) as SipRequest;

/** What the layer answered to one new request, and whether the TU saw it. */
function answer(request: SipRequest, options: ConstructorParameters<typeof TransactionLayer<TestFlow>>[0] = {}) {
  const layer = new TransactionLayer<TestFlow>(options);
  layer.handleRequest(request, UDP, 0);
  const out = drain(layer);
  const response = out.transmits[0]?.message as SipResponse | undefined;
  return { layer, response, events: types(out.events), transmits: out.transmits.length };
}

describe("RFC 3261 §8.1.1 checks on requests repeating values that parsed before", () => {
  it("§8.1.1: a From or To that parsed before passes again, a broken one next to it still gets 400, and the count rules still hold", () => {
    const good = makeRequest("OPTIONS");
    expect(answer(good).events).toEqual(["request"]);
    // The same From and To on a new request: accepted.
    expect(answer(makeRequest("OPTIONS")).events).toEqual(["request"]);
    // The same To with a From that does not parse.
    const badFrom = makeRequest("OPTIONS");
    badFrom.setHeader("From", "Alice <sip:alice@atlanta.example.com;tag=1");
    const r1 = answer(badFrom);
    expect(r1.events).toEqual([]);
    expect(r1.response!.status).toBe(400);
    expect(r1.response!.header("Warning")).toMatch(/^399 siphon "From: /);
    // A From that parsed before, given twice.
    const twice = makeRequest("OPTIONS");
    twice.addHeader("From", twice.header("From")!);
    const r2 = answer(twice);
    expect(r2.response!.status).toBe(400);
    expect(r2.response!.header("Warning")).toBe('399 siphon "From appears 2 times"');
    // A Request-URI that parsed before, then one with an unknown scheme.
    expect(answer(makeRequest("OPTIONS", { uri: "sip:bob@biloxi.example.com" })).events).toEqual(["request"]);
    expect(answer(makeRequest("OPTIONS", { uri: "xyz:bob@biloxi.example.com" })).response!.status).toBe(416);
    expect(answer(makeRequest("OPTIONS", { uri: "xyz:bob@biloxi.example.com" })).response!.status).toBe(416);
  });
});

describe("RFC 3261 §8.2 checks on new requests (RFC 4475 torture messages)", () => {
  it("RFC 4475 §3.3.1 insuf: no Call-ID, From or To: 400, with none of them made up", () => {
    const { response, events, layer } = answer(vector("insuf"));
    expect(events).toEqual([]);
    expect(response!.status).toBe(400);
    expect(response!.hasHeader("To")).toBe(false);
    expect(response!.hasHeader("From")).toBe(false);
    expect(response!.hasHeader("Call-ID")).toBe(false);
    expect(response!.header("CSeq")).toBe("193942 INVITE");
    expect(response!.header("Warning")).toMatch(/^399 siphon "missing (From|To|Call-ID)"$/);
    expect(layer.counters.malformed).toBe(1);
  });

  it("RFC 4475 §3.3.2 unkscm: an unknown Request-URI scheme gets 416 (§8.2.2.1)", () => {
    const { response, events, layer } = answer(vector("unkscm"));
    expect(events).toEqual([]);
    expect(response!.status).toBe(416);
    expect(response!.toTag).toBeDefined();
    expect(layer.counters.rejectedScheme).toBe(1);
  });

  it("RFC 4475 §3.3.3 novelsc: a scheme the UAS does not serve gets 416; serving it lets the request through", () => {
    expect(answer(vector("novelsc")).response!.status).toBe(416);
    expect(answer(vector("novelsc"), { checks: { uriSchemes: ["sip", "soap.beep"] } }).events).toEqual(["request"]);
  });

  it("RFC 4475 §3.3.5 bext01: 420 with an Unsupported header listing the unknown Require tags (§8.2.2.3)", () => {
    const { response, layer } = answer(vector("bext01"));
    expect(response!.status).toBe(420);
    expect(response!.header("Unsupported")).toBe("nothingSupportsThis, nothingSupportsThisEither");
    expect(layer.counters.rejectedExtension).toBe(1);
    // Proxy-Require is a proxy's business (§16.3 step 5), not a UAS's; a TU supporting both tags gets it.
    const supported = answer(vector("bext01"), { checks: { supported: ["nothingsupportsthis", "NOTHINGSUPPORTSTHISEITHER"] } });
    expect(supported.events).toEqual(["request"]);
  });

  it("RFC 4475 §3.1.2.17 mismatch01: a CSeq method other than the request's gets 400 (§8.1.1.5)", () => {
    const { response, events } = answer(vector("mismatch01"));
    expect(events).toEqual([]);
    expect(response!.status).toBe(400);
    expect(response!.header("Warning")).toContain("CSeq method differs");
  });

  it("§8.2: checks: false leaves 416 and 420 to the TU (a proxy), but never a request whose mandatory fields do not parse", () => {
    expect(answer(vector("unkscm"), { checks: false }).events).toEqual(["request"]);
    expect(answer(vector("bext01"), { checks: false }).events).toEqual(["request"]);
    expect(answer(vector("insuf"), { checks: false }).response!.status).toBe(400);
  });
});

describe("§8.1.1 mandatory header fields: a response is never built from ones that do not parse", () => {
  const good = makeRequest("OPTIONS", { fromTag: "ft" }).toString();
  const variant = (from: RegExp, to: string) => parseMessage(good.replace(from, to)) as SipRequest;

  it("§7.3.1: a repeated single-valued To, From, Call-ID or CSeq gets 400 without that field", () => {
    for (const name of ["To", "From", "Call-ID", "CSeq"]) {
      const line = new RegExp(`${name}: [^\\r]*\\r\\n`);
      const twice = good.replace(line, (l) => l + l.replace(/: /, ": ").replace(/tag=\w+/, "tag=other"));
      const { response, events } = answer(parseMessage(twice) as SipRequest);
      expect(events).toEqual([]);
      expect(response!.status).toBe(400);
      expect(response!.hasHeader(name)).toBe(false);
    }
  });

  it("§20.39: a To that does not parse is neither echoed nor given a tag", () => {
    const { response } = answer(variant(/To: [^\r]*/, "To: <<<garbage>>>"));
    expect(response!.status).toBe(400);
    expect(response!.toString()).not.toContain("garbage");
    expect(response!.header("From")).toContain("tag=ft");
  });

  it("§18.2.2: a broken Via below the top one: the 400 carries the top Via alone; no parsable Via at all: nothing is sent", () => {
    const twoVias = good.replace(/(Via: [^\r]*\r\n)/, "$1Via: ;;;broken\r\n");
    const { response } = answer(parseMessage(twoVias) as SipRequest);
    expect(response!.status).toBe(400);
    expect(response!.headers("Via")).toEqual([parseMessage(good).header("Via")]);
  });

  it("an ACK with broken mandatory fields is dropped and counted, never answered (§17.1.1.3)", () => {
    const ack = parseMessage(makeRequest("ACK").toString().replace(/To: [^\r]*\r\n/, "")) as SipRequest;
    const { transmits, events, layer } = answer(ack);
    expect(transmits).toBe(0);
    expect(events).toEqual([]);
    expect(layer.counters.malformed).toBe(1);
  });

  it("Max-Forwards may be absent (RFC 4475 §3.4.1 inv2543) but must parse when present", () => {
    expect(answer(variant(/Max-Forwards: [^\r]*\r\n/, "")).events).toEqual(["request"]);
    expect(answer(variant(/Max-Forwards: [^\r]*/, "Max-Forwards: many")).response!.status).toBe(400);
  });
});
