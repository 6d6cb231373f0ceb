import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TimerHeap } from "../../src/transaction/timer-heap.ts";

describe("timer heap (the layer's deadline structure)", () => {
  it("pops in deadline order (ties in arming order) under random inserts and removals", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.boolean()), { maxLength: 300 }),
        (ops) => {
          const heap = new TimerHeap<number>();
          const live = new Map<number, { at: number; id: number }>();
          const entries = ops.map(([at, remove], id) => {
            const e = heap.insert(at, id);
            live.set(id, { at, id });
            return { e, remove, id };
          });
          for (const { e, remove, id } of entries) {
            if (remove) {
              heap.remove(e);
              heap.remove(e); // idempotent
              live.delete(id);
            }
          }
          const expected = [...live.values()].sort((a, b) => a.at - b.at || a.id - b.id).map((x) => x.id);
          expect(heap.size).toBe(expected.length);
          const got: number[] = [];
          for (let e = heap.popDue(Infinity); e; e = heap.popDue(Infinity)) got.push(e.value);
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("popDue returns nothing before the deadline", () => {
    const heap = new TimerHeap<string>();
    heap.insert(100, "a");
    expect(heap.popDue(99)).toBeUndefined();
    expect(heap.peek()?.at).toBe(100);
    expect(heap.popDue(100)?.value).toBe("a");
    expect(heap.size).toBe(0);
  });
});
