// Project rules checked on every build (CONTRIBUTING.md):
// - only runtimes/ touches Node/Deno/Bun APIs: no node:* / ws imports, Buffer, Deno.* or Bun.* in src/ or
//   assembly/ (build-time generators under assembly/**/gen/ excepted);
// - within runtimes/, node:* imports belong to the Node adapter; another adapter that uses one on purpose
//   is listed in NODE_IMPORTS_ALLOWED with the reason;
// - src/ never imports runtimes/: the interfaces a layer needs belong to that layer, and the adapters
//   implement them;
// - the sans-I/O protocol cores take time as `now`: no timers or clocks in src/ outside the driver;
// - lower layers never import higher ones.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const posix = (p) => p.split(sep).join("/");

/** Adapters other than Node's that import node:* on purpose. */
const NODE_IMPORTS_ALLOWED = {
  // Deno and Bun implement node:crypto's createCipheriv natively; a long-lived AES-ECB cipher beats
  // the Wasm AES for SRTP keystream (runtimes/crypto-types.ts).
  "runtimes/deno/crypto.ts": "node:crypto",
  "runtimes/bun/crypto.ts": "node:crypto",
  // Deno.resolveDns asks DNS servers only; node:dns lookup goes through getaddrinfo and the hosts file.
  "runtimes/deno/dns.ts": "node:dns/promises",
  // Deno's embedded SQLite is node:sqlite (the server's store).
  "runtimes/deno/server.ts": "node:sqlite",
};

/** src/ files that import from runtimes/ on purpose, and what (each layer owns its interfaces otherwise). */
const RUNTIME_IMPORTS_ALLOWED = {
  // The executable is where a process meets the library: it loads the running runtime's record and process.
  "src/cli/main.ts": "runtimes/index.ts",
  // createUserAgent detects and loads the running runtime when none is given.
  "src/client/runtime.ts": "runtimes/index.ts",
};

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
walk(join(root, "runtimes"));

// Which layers each layer may import (besides itself, the files at the top of src/ and wasm/).
const allowed = {
  sip: [],
  rtp: [],
  rtcp: ["rtp"],
  srtp: [],
  codec: [],
  transport: ["sip"],
  transaction: ["sip"],
  // The media driver runs RTP sessions (media) negotiated in SDP for the session layer's media handler.
  driver: ["sip", "transport", "transaction", "session", "media", "sdp", "srtp"],
  sdp: [],
  media: ["rtp", "rtcp", "srtp", "codec", "sdp"],
  auth: ["sip"],
  session: ["sip", "transaction", "sdp", "auth"],
  // STUN (RFC 8489) and, later, ICE: bytes in, transmits and events out.
  ice: [],
  // The user agent and the call engine stand on everything below them.
  client: ["sip", "transport", "transaction", "session", "sdp", "auth", "media", "driver", "ice", "codec", "rtp", "rtcp", "srtp"],
  engine: ["sip", "transport", "transaction", "session", "sdp", "auth", "media", "driver", "ice", "codec", "rtp", "rtcp", "srtp"],
  cli: ["sip", "transport", "transaction", "session", "sdp", "auth", "media", "driver", "ice", "codec", "client", "engine"],
};

const problems = [];
for (const file of files) {
  const rel = posix(relative(root, file));
  const inRuntimes = rel.startsWith("runtimes/");
  const text = readFileSync(file, "utf8");
  text.split("\n").forEach((line, i) => {
    const at = `${rel}:${i + 1}`;
    if (/^\s*(\/\/|\*)/.test(line)) return;
    const nodeImport = /from\s+["'](node:[\w/]+)["']/.exec(line);
    if (inRuntimes) {
      if (nodeImport && !rel.startsWith("runtimes/node/") && NODE_IMPORTS_ALLOWED[rel] !== nodeImport[1]) {
        problems.push(`${at}: ${nodeImport[1]} outside the Node adapter: ${line.trim()}`);
      }
      return;
    }
    if (nodeImport || /from\s+["']ws["']/.test(line) || /\bBuffer\./.test(line) || /(^|[^."'\w])(Deno|Bun)\.\w/.test(line)) {
      problems.push(`${at}: runtime API outside runtimes/: ${line.trim()}`);
    }
    const runtimeImport = /from\s+["'](?:\.\.\/)+(runtimes\/[\w./-]+)["']/.exec(line);
    if (runtimeImport && RUNTIME_IMPORTS_ALLOWED[rel] !== runtimeImport[1]) {
      problems.push(`${at}: src/ imports runtimes/ (the layer should own the interface): ${line.trim()}`);
    }
    if (rel.startsWith("src/") && !rel.startsWith("src/driver/") && /\b(setTimeout|setInterval|Date\.now|performance\.now)\s*\(/.test(line)) {
      problems.push(`${at}: clock or timer in a sans-I/O layer: ${line.trim()}`);
    }
    // The layer of an import is that of the file it resolves to (a layer may have sub-folders).
    const m = /from\s+["'](\.\.?\/[^"']+)["']/.exec(line);
    const resolved = m ? posix(relative(root, join(file, "..", m[1]))).split("/") : [];
    if (m && rel.startsWith("src/") && resolved[0] === "src" && resolved.length > 2) {
      const layer = rel.split("/")[1];
      const target = resolved[1];
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
