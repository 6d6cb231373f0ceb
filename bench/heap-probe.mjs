// Preloaded into a server process by the benchmarks (`node --expose-gc --import ./bench/heap-probe.mjs
// …`): on SIGUSR2 it runs a full collection and writes one line to stderr,
// `heap-probe {"rss":…,"heapUsed":…,"arrayBuffers":…}`, so that a bench can read what a server it
// did not write holds. Not a bench itself (bench/run.mjs skips it).
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stderr.write(`heap-probe ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external })}\n`);
});
