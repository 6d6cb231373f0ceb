// Project rules checked on every build (CONTRIBUTING.md):
// - only runtimes/ touches Node/Deno/Bun APIs: no node:* / ws imports, Buffer, Deno.* or Bun.* in src/ or
//   assembly/ (build-time generators under assembly/**/gen/ excepted);
// - the sans-I/O protocol cores take time as `now`: no timers or clocks in src/ outside the driver;
// - lower layers never import higher ones.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const files = [];
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      if (f !== "gen") walk(p);
    } else if (p.endsWith(".ts")) files.push(p);
  }
};
walk(join(root, "src"));
walk(join(root, "assembly"));

// Which layers each layer may import (besides itself, errors.ts and wasm/).
const allowed = {
  sip: [],
  rtp: [],
  rtcp: ["rtp"],
  srtp: [],
  codec: [],
  transport: ["sip"],
  transaction: ["sip"],
  driver: ["sip", "transport", "transaction"],
  sdp: [],
  media: ["rtp", "rtcp", "srtp", "codec", "sdp"],
  auth: ["sip"],
  session: ["sip", "transaction", "sdp", "auth"],
};

const problems = [];
for (const file of files) {
  const rel = relative(root, file);
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const at = `${rel}:${i + 1}`;
    if (/^\s*(\/\/|\*)/.test(line)) return;
    if (/from\s+["'](node:|ws["'])/.test(line) || /\bBuffer\./.test(line) || /(^|[^."'\w])(Deno|Bun)\.\w/.test(line)) {
      problems.push(`${at}: runtime API outside runtimes/: ${line.trim()}`);
    }
    if (rel.startsWith("src") && !rel.startsWith(join("src", "driver")) && /\b(setTimeout|setInterval|Date\.now|performance\.now)\s*\(/.test(line)) {
      problems.push(`${at}: clock or timer in a sans-I/O layer: ${line.trim()}`);
    }
    const m = /from\s+["']\.\.\/([a-z-]+)\//.exec(line);
    if (m && rel.startsWith("src")) {
      const layer = rel.split(/[\\/]/)[1];
      const target = m[1];
      if (target !== layer && target !== "wasm" && allowed[layer] && !allowed[layer].includes(target)) {
        problems.push(`${at}: layer ${layer} imports ${target}`);
      }
    }
  });
}
if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`check-layers: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-layers: ${files.length} files ok`);
