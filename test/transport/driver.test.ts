import { describe, expect, it } from "vitest";
import type { DatagramHandlers, Runtime, SocketAddress } from "../../runtimes/types.ts";
import { createSipEndpoint } from "../../src/driver/index.ts";
import { createRequest, createResponse } from "../../src/sip/index.ts";
import type { TransactionEvent } from "../../src/transaction/index.ts";
import type { Flow } from "../../src/transport/index.ts";

/**
 * A runtime record with a virtual clock and an in-memory UDP network: the driver is written against
 * the record only, so it runs on this as on Node, Deno or Bun.
 */
function fakeRuntime() {
  let clock = 0;
  let nextTimer = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const bound = new Map<string, DatagramHandlers>();
  const wire: { from: SocketAddress; to: SocketAddress; text: string }[] = [];
  let ephemeral = 30000;
  const unsupported = () => Promise.reject(new Error("not in the fake runtime"));
  const rt: Runtime = {
    name: "node",
    now: () => clock,
    setTimer(ms, fn) {
      const id = nextTimer++;
      timers.set(id, { at: clock + ms, fn });
      return id;
    },
    clearTimer: (h) => void timers.delete(h as number),
    randomBytes: (n) => new Uint8Array(n).map((_, i) => i * 7 + 1),
    async udpBind(o, handlers) {
      const local = { host: o.host, port: o.port || ephemeral++ };
      bound.set(`${local.host}:${local.port}`, handlers);
      return {
        local,
        send(data, host, port) {
          wire.push({ from: local, to: { host, port }, text: new TextDecoder().decode(data) });
          const h = bound.get(`${host}:${port}`);
          if (h) queueMicrotask(() => h.onMessage(data.slice(), local));
        },
        close: () => void bound.delete(`${local.host}:${local.port}`),
      };
    },
    streamConnect: unsupported,
    streamListen: unsupported,
    webSocketConnect: unsupported,
    webSocketListen: unsupported,
    dns: { lookup: async () => [], resolveSrv: async () => [], resolveNaptr: async () => [] },
  };
  /** Advances the virtual clock, firing due timers in order. */
  const advance = async (ms: number) => {
    const end = clock + ms;
    const settle = () => new Promise((r) => setTimeout(r, 0));
    await settle(); // deliver datagrams in flight (microtasks)
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      clock = due[1].at;
      due[1].fn();
      await settle();
    }
    clock = end;
  };
  return { rt, wire, advance };
}

describe("driver on a fake runtime record", () => {
  it("RFC 3261 §17.1.2.2: Timer E retransmits the request over UDP and Timer F ends the transaction after 64*T1, driven by the runtime's timers", async () => {
    const { rt, wire, advance } = fakeRuntime();
    const events: TransactionEvent<Flow>[] = [];
    const ep = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.1", port: 5060 }],
      transactions: true,
      onTransactionEvent: (e) => events.push(e),
    });
    const req = createRequest({
      method: "OPTIONS",
      uri: "sip:nobody@10.0.0.9",
      from: "<sip:a@x>;tag=1",
      to: "<sip:nobody@x>",
      callId: "drv-1",
      cseq: 1,
      via: "SIP/2.0/UDP x.invalid;branch=z9hG4bKdrv1",
    });
    ep.request(req, { transport: "UDP", host: "10.0.0.9", port: 5060 });
    expect(wire).toHaveLength(1);
    expect(wire[0]!.text).toContain("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKdrv1;rport");
    await advance(31_999);
    // Timer E: 500, 1000, 2000, 4000, then every T2 = 4 s: sends at 0, .5, 1.5, 3.5, 7.5, 11.5, ... 31.5 s.
    expect(wire.length).toBe(11);
    expect(events.some((e) => e.type === "timeout")).toBe(false);
    await advance(1);
    expect(events.find((e) => e.type === "timeout")).toBeDefined();
    await ep.close();
  });

  it("two endpoints on the fake network complete an OPTIONS transaction", async () => {
    const { rt, advance } = fakeRuntime();
    const got: number[] = [];
    const uas = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.2", port: 5060 }],
      transactions: true,
      onTransactionEvent(e) {
        if (e.type !== "request") return;
        const res = createResponse(e.request, 200, "OK", { toTag: "uas" });
        e.transaction.respond(res, uas.now());
        uas.flush();
      },
    });
    const uac = await createSipEndpoint({
      runtime: rt,
      listen: [{ transport: "UDP", host: "10.0.0.1", port: 5060 }],
      transactions: true,
      onTransactionEvent: (e) => {
        if (e.type === "response") got.push(e.response.status);
      },
    });
    uac.request(
      createRequest({ method: "OPTIONS", uri: "sip:b@10.0.0.2", from: "<sip:a@x>;tag=1", to: "<sip:b@x>", callId: "drv-2", cseq: 1 }),
      { transport: "UDP", host: "10.0.0.2", port: 5060 },
    );
    await advance(10);
    expect(got).toEqual([200]);
  });
});
