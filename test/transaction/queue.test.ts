import { describe, expect, it } from "vitest";
import { Queue } from "../../src/queue.ts";

describe("Queue (the output and expiry lists of the sans-I/O cores)", () => {
  it("keeps first-in first-out order across growth and wrap-around", () => {
    const q = new Queue<number>();
    const out: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the ring wraps while it grows from 16 to 64 slots.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3; i++) q.push(next++);
      out.push(q.shift()!);
      if (round % 10 === 9) expect(q.peek()).toBe(out.at(-1)! + 1);
    }
    while (q.length > 0) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
  });

  it("gives a large ring back once a burst is drained, and keeps working", () => {
    const q = new Queue<string>();
    for (let i = 0; i < 10_000; i++) q.push(`m${i}`);
    expect(q.length).toBe(10_000);
    for (let i = 0; i < 10_000; i++) expect(q.shift()).toBe(`m${i}`);
    expect(q.length).toBe(0);
    q.push("again");
    expect(q.peek()).toBe("again");
    expect(q.shift()).toBe("again");
  });
});
