import { describe, expect, it } from "vitest";
import { SimAgent, SimNet } from "./harness.ts";

describe("smoke", () => {
  it("basic call", () => {
    const net = new SimNet({ delay: 10 });
    const alice = new SimAgent(net, "alice", "atlanta.example.com");
    const bob = new SimAgent(net, "bob", "biloxi.example.com");
    bob.onEvent = (e, now) => {
      if (e.type === "incoming") {
        e.session.ring(now);
        net.at(now + 1000, (t) => e.session.answer(t));
      }
    };
    const s = alice.core.invite({ from: "Alice <sip:alice@atlanta.example.com>", to: "Bob <sip:bob@biloxi.example.com>" }, net.now);
    net.run(5000);
    expect(s.state).toBe("confirmed");
    s.bye(net.now);
    net.run(100000);
    console.log(net.trace());
    console.log(alice.types(), bob.types());
    console.log(alice.holding, bob.holding);
    expect(alice.idle).toBe(true);
    expect(bob.idle).toBe(true);
  });
});
