/**
 * A simulated network path for media tests, on a virtual clock: a sender with its own clock
 * (skewed by `skewPpm` against the receiver's), random loss, random delay (reordering follows),
 * and exact lists of packets injected as lost, duplicated and very late, so tests can check the
 * receiver's counts against what was done. Seeded: a failure reproduces.
 */

import { prng } from "../prng.ts";

export interface PathOptions {
  readonly packets: number;
  readonly ptimeMs: number;
  readonly seed: number;
  /** Probability that a packet is lost. */
  readonly loss: number;
  /** Base one-way delay, ms. */
  readonly baseDelayMs: number;
  /** Extra delay uniform in [0, jitterSpanMs), ms. */
  readonly jitterSpanMs: number;
  /** Sender clock rate error, parts per million (positive: the sender runs fast). */
  readonly skewPpm: number;
  /** Packets to send twice. */
  readonly duplicates: number;
  /** Packets to hold back by `lateByMs`. */
  readonly late: number;
  readonly lateByMs?: number;
}

export interface Delivery {
  /** Index of the packet (0-based, in sending order). */
  readonly index: number;
  /** Arrival time on the receiver's clock, ms. */
  readonly at: number;
}

export interface PathPlan {
  readonly deliveries: Delivery[];
  readonly lost: Set<number>;
  readonly duplicated: Set<number>;
  readonly late: Set<number>;
}

/** Plans the fate of every packet; deliveries sorted by arrival time. */
export function planPath(o: PathOptions): PathPlan {
  const rnd = prng(o.seed);
  const lost = new Set<number>();
  const duplicated = new Set<number>();
  const late = new Set<number>();
  // Keep the first and last second clean so start-up and the tail are unambiguous.
  const margin = Math.ceil(1000 / o.ptimeMs);
  for (let i = margin; i < o.packets - margin; i++) if (rnd() < o.loss) lost.add(i);
  const pick = (set: Set<number>, n: number) => {
    while (set.size < n) {
      const i = margin + Math.floor(rnd() * (o.packets - 2 * margin));
      if (!lost.has(i) && !duplicated.has(i) && !late.has(i) && !lost.has(i - 1) && !lost.has(i + 1)) set.add(i);
    }
  };
  pick(late, o.late);
  pick(duplicated, o.duplicates);
  const deliveries: Delivery[] = [];
  for (let i = 0; i < o.packets; i++) {
    if (lost.has(i)) continue;
    const sent = i * o.ptimeMs * (1 - o.skewPpm / 1e6);
    const delay = o.baseDelayMs + rnd() * o.jitterSpanMs + (late.has(i) ? (o.lateByMs ?? 1000) : 0);
    deliveries.push({ index: i, at: sent + delay });
    if (duplicated.has(i)) deliveries.push({ index: i, at: sent + delay + 1 + rnd() * 40 });
  }
  deliveries.sort((a, b) => a.at - b.at);
  return { deliveries, lost, duplicated, late };
}
