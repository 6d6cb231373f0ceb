import { describe, expect, it } from "vitest";
import { createSipEndpoint } from "../../src/driver/index.ts";
import type { DatagramBindOptions } from "../../src/driver/index.ts";
import { MediaPortPool } from "../../src/driver/media-ports.ts";
import { fakeRuntime } from "./fake-runtime.ts";

describe("driver: receive buffers of UDP sockets", () => {
  it("a UDP listening point asks for a 4 MiB receive buffer (every request and response of every call waits there while the process is busy)", async () => {
    const { rt } = fakeRuntime();
    const asked: DatagramBindOptions[] = [];
    const ep = await createSipEndpoint({
      runtime: { ...rt, udpBind: (o, h) => (asked.push(o), rt.udpBind(o, h)) },
      listen: [{ transport: "UDP", host: "10.0.0.1", port: 5060 }],
    });
    expect(asked).toEqual([{ host: "10.0.0.1", port: 5060, receiveBuffer: 4 * 1024 * 1024 }]);
    await ep.close();
  });

  it("media sockets ask for none: they are many, and the runtime's fastest socket may not take the option", async () => {
    const asked: DatagramBindOptions[] = [];
    const pool = new MediaPortPool(
      {
        now: () => 0,
        async udpBind(o) {
          asked.push(o);
          return { local: { host: o.host, port: o.port }, send() {}, close() {} };
        },
      },
      { host: "127.0.0.1", minPort: 20000, maxPort: 20003, spare: 2 },
    );
    await pool.fill();
    expect(asked.map((o) => o.port)).toEqual([20000, 20001, 20002, 20003]);
    expect(asked.every((o) => o.receiveBuffer === undefined)).toBe(true);
    pool.close();
  });
});
