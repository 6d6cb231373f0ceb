// Runs every benchmark in bench/ on Node, one after the other (npm run bench builds first).
// Each bench prints its own table with ratios to the peer libraries.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".mjs") && f !== "run.mjs" && f !== "lib.mjs" && f !== "heap-probe.mjs")
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f} ===`);
  // --expose-gc: the benches that measure memory per object need a callable GC.
  const r = spawnSync(process.execPath, ["--expose-gc", join(here, f)], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${f} failed (${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
