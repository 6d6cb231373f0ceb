import { describe, expect, it } from "vitest";
import { BoundedQueue } from "../../src/media/bounded-queue.ts";

describe("bounded output queue (pollTransmit, pollEvent, pollAudio)", () => {
  it("keeps first-in first-out order while it grows and wraps around", () => {
    const q = new BoundedQueue<number>(100);
    const out: number[] = [];
    let next = 0;
    // Pushes outrun shifts, so the ring grows (4, 8, 16, …) with its head in the middle.
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 3; i++) q.push(next++);
      for (let i = 0; i < 2; i++) out.push(q.shift()!);
    }
    expect(q.length).toBe(40);
    for (let v; (v = q.shift()) !== undefined; ) out.push(v);
    expect(out).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    expect(q.dropped).toBe(0);
  });

  it("past its limit the oldest entries give way to the newest, and are counted", () => {
    const q = new BoundedQueue<number>(5);
    for (let i = 0; i < 23; i++) q.push(i);
    expect(q.length).toBe(5);
    expect(q.dropped).toBe(18);
    const out: number[] = [];
    for (let v; (v = q.shift()) !== undefined; ) out.push(v);
    expect(out).toEqual([18, 19, 20, 21, 22]);
    // Emptied and refilled, it starts over in order.
    q.push(100);
    q.push(101);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([100, 101, undefined]);
  });

  it("a limit of one keeps only the newest entry", () => {
    const q = new BoundedQueue<string>(1);
    q.push("a");
    q.push("b");
    expect(q.dropped).toBe(1);
    expect(q.shift()).toBe("b");
    expect(q.shift()).toBeUndefined();
  });
});
