import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SlotMap } from "../../src/slot-map.ts";

/** The slot array, read for the one property the cores rely on: no slot holds a deleted value. */
const slotsOf = <V>(m: SlotMap<V>) => (m as unknown as { slots: (V | undefined)[] }).slots;

describe("SlotMap (the session core's maps of calls in progress)", () => {
  it("behaves as a Map under any sequence of set, delete, get and has (insertion order included)", () => {
    const op = fc.oneof(
      fc.tuple(fc.constant("set" as const), fc.integer({ min: 0, max: 40 }), fc.integer()),
      fc.tuple(fc.constant("delete" as const), fc.integer({ min: 0, max: 40 }), fc.constant(0)),
      fc.tuple(fc.constant("get" as const), fc.integer({ min: 0, max: 40 }), fc.constant(0)),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const m = new SlotMap<{ v: number }>();
        const ref = new Map<string, { v: number }>();
        for (const [kind, k, v] of ops) {
          const key = `k${k}`;
          if (kind === "set") {
            const value = { v };
            m.set(key, value);
            ref.set(key, value);
          } else if (kind === "delete") {
            expect(m.delete(key)).toBe(ref.delete(key));
          } else {
            expect(m.get(key)).toBe(ref.get(key));
            expect(m.has(key)).toBe(ref.has(key));
          }
          expect(m.size).toBe(ref.size);
        }
        expect([...m.keys()]).toEqual([...ref.keys()]);
        expect([...m.values()]).toEqual([...ref.values()]);
      }),
      { numRuns: 300, seed: 5057 },
    );
  });

  it("holds a value only while its key is in the map: a deleted entry's slot is cleared and reused", () => {
    const m = new SlotMap<object>();
    const calls = Array.from({ length: 64 }, (_, i) => ({ call: i }));
    calls.forEach((c, i) => m.set(`call${i}`, c));
    for (let i = 0; i < 64; i += 2) m.delete(`call${i}`);
    const held = new Set(slotsOf(m).filter((v) => v !== undefined));
    expect(held.size).toBe(32);
    for (let i = 0; i < 64; i++) expect(held.has(calls[i]!)).toBe(i % 2 === 1);
    // New entries take the freed slots: the array does not grow while the number of calls does not.
    for (let i = 0; i < 32; i++) m.set(`next${i}`, { next: i });
    expect(slotsOf(m).length).toBe(64);
    expect(m.size).toBe(64);
  });

  it("gives a large slot array back once a burst is over, and keeps working", () => {
    const m = new SlotMap<number>();
    for (let i = 0; i < 10_000; i++) m.set(`k${i}`, i);
    for (let i = 0; i < 10_000; i++) expect(m.delete(`k${i}`)).toBe(true);
    expect(slotsOf(m).length).toBe(0);
    m.set("again", 1);
    expect(m.get("again")).toBe(1);
    expect(m.size).toBe(1);
  });
});
