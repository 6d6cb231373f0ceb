// Latency histograms of the load generator (bench/load.mjs, bench/load-calls.mjs): 10 µs buckets to
// 100 ms, then 10 ms buckets to 60 s, merged across worker processes as [index, count] pairs.

export const FINE = 10_000;
export const COARSE = 6_000;

/** The bucket of a latency in ms. */
export function bucket(ms) {
  if (ms < 100) return Math.floor(ms * 100);
  return FINE + Math.min(COARSE - 1, Math.floor((ms - 100) / 10));
}

/** The middle of bucket `i`, in ms. */
export function bucketValue(i) {
  return i < FINE ? (i + 0.5) / 100 : 100 + (i - FINE + 0.5) * 10;
}

/** The `p`-th percentile of `total` samples in `hist`. */
export function percentile(hist, total, p) {
  if (total === 0) return NaN;
  const want = Math.ceil((total * p) / 100);
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= want) return bucketValue(i);
  }
  return Infinity;
}

/** A new, empty histogram. */
export const newHistogram = () => new Uint32Array(FINE + COARSE);

/** The non-empty buckets as [index, count] pairs (what a worker sends its parent). */
export function histogramPairs(hist) {
  const out = [];
  for (let i = 0; i < hist.length; i++) if (hist[i]) out.push([i, hist[i]]);
  return out;
}

/** A number with `d` decimals, or – when not finite. */
export const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "–");
/** A whole number with thousands separators, or – when not finite. */
export const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");
