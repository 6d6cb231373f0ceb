// `siphon options URI` on a virtual network: an OPTIONS ping (RFC 3261 §11) to a fake peer,
// answered, unanswered, and interrupted.
import { describe, expect, it } from "vitest";
import { optionsCommand } from "../../src/cli/options.ts";
import { createResponse, parseMessage, serializeMessage, type SipRequest } from "../../src/sip/index.ts";
import { fakeRuntime } from "../driver/fake-runtime.ts";
import { memoryIo } from "./io.ts";

/** A fake SIP peer on 10.0.0.2:5060 answering OPTIONS with `status`, after `delayMs`. */
async function peer(f: ReturnType<typeof fakeRuntime>, status: number, delayMs = 0) {
  const seen: SipRequest[] = [];
  const socket = await f.rt.udpBind({ host: "10.0.0.2", port: 5060 }, {
    onMessage(data, from) {
      const m = parseMessage(new TextDecoder().decode(data));
      if (!m.isRequest) return;
      seen.push(m as SipRequest);
      const response = createResponse(m as SipRequest, status);
      f.rt.setTimer(delayMs, () => socket.send(serializeMessage(response), from.host, from.port));
    },
  });
  return seen;
}

const env = (f: ReturnType<typeof fakeRuntime>) => ({ loadRuntime: async () => f.rt, localAddresses: () => ["10.0.0.1"] });

describe("siphon options", () => {
  it("RFC 3261 §11: sends OPTIONS to the URI and prints the status and round-trip time (exit 0)", async () => {
    const f = fakeRuntime();
    const seen = await peer(f, 200, 30);
    const m = memoryIo();
    const run = optionsCommand(env(f)).run(["sip:10.0.0.2", "--json"], m.io);
    await f.advance(100);
    expect(await run).toBe(0);
    expect(seen.map((r) => r.method)).toEqual(["OPTIONS"]);
    expect(seen[0]!.header("Via")).toContain("10.0.0.1");
    const lines = m.stdout().trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ seq: 1, target: "sip:10.0.0.2", status: 200, reason: "OK", rttMs: 30 });
    expect(lines[1].summary).toMatchObject({ sent: 1, answered: 1, minMs: 30 });
  });

  it("an error status still answers the ping: the peer is alive (exit 0)", async () => {
    const f = fakeRuntime();
    await peer(f, 405);
    const m = memoryIo();
    const run = optionsCommand(env(f)).run(["10.0.0.2", "--count", "2", "--interval", "0.5"], m.io);
    await f.advance(2000);
    expect(await run).toBe(0);
    expect(m.stdout()).toMatch(/sip:10.0.0.2: 405 Method Not Allowed, rtt 0 ms\n.*\n--- sip:10.0.0.2: 2 sent, 2 answered/);
  });

  it("RFC 3261 §8.1.3.1: no answer within --timeout is reported and exits 1", async () => {
    const f = fakeRuntime();
    const m = memoryIo();
    const run = optionsCommand(env(f)).run(["sip:10.0.0.9", "--timeout", "2"], m.io);
    await f.advance(3000);
    expect(await run).toBe(1);
    expect(m.stdout()).toBe("sip:10.0.0.9: no answer\n");
  });

  it("SIGINT stops the pings at once (exit 130)", async () => {
    const f = fakeRuntime();
    const m = memoryIo();
    const run = optionsCommand(env(f)).run(["sip:10.0.0.9", "--count", "5"], m.io);
    await f.advance(100);
    m.abort();
    await f.settle();
    expect(await run).toBe(130);
    expect(m.stdout()).toBe("sip:10.0.0.9: no answer\n--- sip:10.0.0.9: 1 sent, 0 answered\n");
  });

  it("a URI that is not a SIP URI is a usage error (exit 2)", async () => {
    const f = fakeRuntime();
    const m = memoryIo();
    expect(await optionsCommand(env(f)).run(["mailto:bob@example.com"], m.io)).toBe(2);
    expect(m.stderr()).toContain("URI is not a SIP URI");
    const m2 = memoryIo();
    expect(await optionsCommand(env(f)).run(["sip:"], m2.io)).toBe(2);
    expect(m2.stderr()).toContain("URI is not a SIP URI");
  });
});
