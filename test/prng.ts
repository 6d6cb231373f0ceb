/**
 * The tests' seeded randomness: one PRNG (mulberry32) for simulated loss, jitter, back-offs and
 * fuzz mutations, and the seed and length of a fuzz run, so any failure reproduces from its seed.
 */

/** mulberry32: small, fast, good enough to spread mutations and losses; fully determined by the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/**
 * The seed and length of a fuzz run: `SIPHON_FUZZ_SEED=<n>` replays a run (the tests print their
 * seed), `SIPHON_FUZZ_ITERATIONS=<n>` changes its length; otherwise the test's own defaults.
 */
export function fuzzRun(seed: number, iterations: number): { readonly seed: number; readonly iterations: number } {
  return { seed: Number(env.SIPHON_FUZZ_SEED ?? seed) >>> 0, iterations: Number(env.SIPHON_FUZZ_ITERATIONS ?? iterations) };
}
