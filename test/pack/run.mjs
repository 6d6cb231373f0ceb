// The packaging test (`npm run test:pack`; .ci/run runs it after `npm test`). What a user installs,
// tried as a user would, away from the checkout:
//
//  1. package.json and deno.json follow the rules of scripts/package-check.mjs;
//  2. `npm pack` with dist/ removed first, so the tarball's build is prepack's;
//  3. the tarball holds what the runtimes load and nothing else, declarations small, the shipped
//     code's bare imports exactly package.json's dependencies;
//  4. `npm install <tarball>` into an empty project in the system's temporary folder (no checkout
//     above it, no node_modules above it), and no installed package needing more than npm;
//  5. the installed declarations are the API report (api/siphon.api.md), and a TypeScript consumer
//     (test/pack/smoke.mjs, checked as JavaScript, plus every entry point) compiles against them;
//  6. test/pack/smoke.mjs on Node, Bun and Deno (`npm:` specifiers): every entry point of "exports"
//     by name, a SIP parse, an SRTP round trip, an Opus frame, OPTIONS between two UDP endpoints;
//  7. every "bin" with --help on Node, Bun and Deno;
//  8. `deno publish --dry-run` (scripts/check-jsr.mjs), then the same program on Deno against the
//     files it would publish, linked as `jsr:@siphon/siphon`.
//
//   node test/pack/run.mjs [--keep]    --keep leaves the temporary folder for a look
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { apiReport, REPORT_PATH } from "../../scripts/api-report.mjs";
import { checkJsr, generatedModules, jsrDryRun } from "../../scripts/check-jsr.mjs";
import { apiValueNames, checkInstalled, checkManifest, checkTarball } from "../../scripts/package-check.mjs";
import { entrySpecifier, VARIANTS, withPrefix } from "./variants.mjs";

const root = resolve(fileURLToPath(new URL("../../", import.meta.url)));
const bin = (name) => join(root, "node_modules", ".bin", name);
const RUNTIME_BIN = { node: process.execPath, bun: bin("bun"), deno: bin("deno") };
const keep = process.argv.includes("--keep");

/**
 * What the SRTP check must produce: RFC 3711 AES_CM_128_HMAC_SHA1_80 with master key 01…01, salt
 * 02…02, on the smoke's RTP packet, as computed by test/srtp/reference.ts (node:crypto, no Wasm).
 */
const EXPECTED_SRTP = "80000001000000a0deadbeefef55bd84dd72352653cdf208a547bc1b94ac";
/** RFC 3261 §11.1's OPTIONS as parsed, and the 200 built from it. */
const EXPECTED_SIP = {
  method: "OPTIONS",
  callId: "a84b4c76e66710",
  cseq: 63104,
  fromTag: "1928301774",
  branch: "z9hG4bKhjhs8ass877",
  response: "200 OK 63104 OPTIONS",
};

const results = [];
/** Runs one check: `f` returns its problems (none: passed); a throw is a problem too. */
async function step(name, f) {
  const t0 = performance.now();
  let problems;
  try {
    problems = (await f()) ?? [];
  } catch (e) {
    problems = [e instanceof Error ? (e.stack ?? e.message) : String(e)];
  }
  const ms = Math.round(performance.now() - t0);
  results.push({ name, problems });
  console.log(`${problems.length ? "not ok" : "ok"} - ${name} (${ms} ms)`);
  for (const p of problems) console.log(`    ${p.replace(/\n/g, "\n    ")}`);
  return problems.length === 0;
}

/** The environment of everything run in the temporary project: nothing that points back at the checkout. */
function isolatedEnv() {
  const env = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const key of Object.keys(env)) {
    if (/^npm_/i.test(key) || key === "INIT_CWD" || key === "NODE_PATH" || key === "NODE_OPTIONS") delete env[key];
  }
  env.PATH = (env.PATH ?? "")
    .split(delimiter)
    .filter((p) => p && !resolve(p).startsWith(root + sep))
    .join(delimiter);
  return env;
}

function run(cmd, args, cwd, { env = isolatedEnv(), timeout = 120_000 } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const failed = r.status !== 0 ? `${[cmd, ...args].join(" ")} exited ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ""}\n${output.slice(-4000)}` : undefined;
  return { ...r, output, failed };
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const tmp = mkdtempSync(join(tmpdir(), "siphon-pack-"));
const app = join(tmp, "app");
let packed; // npm pack --json's record of the tarball
let installed; // the installed package's package.json

await step("package.json and deno.json: entry points, conditions, files, versions", () => checkManifest(pkg, deno));

await step("npm pack: prepack builds dist/ from nothing", () => {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  const r = run("npm", ["pack", "--json", "--pack-destination", tmp], root, { env: { ...process.env, NO_COLOR: "1" }, timeout: 600_000 });
  if (r.failed) return [r.failed];
  // The build's own lines come first on stdout; npm's JSON is the last thing it prints.
  const json = r.stdout.slice(r.stdout.lastIndexOf("\n[\n") + 1);
  packed = JSON.parse(json)[0];
  return existsSync(join(root, "dist", "src", "index.js")) ? [] : ["dist/ was not built by prepack"];
});
if (!packed) finish();

await step(`tarball contents (${packed.entryCount} files): only dist/ and the notices, small declarations, declared imports`, () => {
  const extract = join(tmp, "extract");
  mkdirSync(extract);
  const r = run("tar", ["-xzf", join(tmp, packed.filename), "-C", extract], tmp);
  if (r.failed) return [r.failed];
  return checkTarball(pkg, packed.files, (path) => readFileSync(join(extract, "package", path), "utf8"));
});

await step("npm install <tarball> into an empty project outside the checkout", () => {
  const problems = [];
  for (let dir = tmp; ; dir = dirname(dir)) {
    if (dir === root) problems.push(`${tmp} lies inside the checkout`);
    if (existsSync(join(dir, "node_modules"))) problems.push(`${dir}/node_modules: modules above the project could be resolved`);
    if (dirname(dir) === dir) break;
  }
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "siphon-pack-test", private: true, type: "module" }, null, 2)}\n`);
  const r = run("npm", ["install", "--no-audit", "--no-fund", join(tmp, packed.filename)], app, { timeout: 600_000 });
  if (r.failed) return [...problems, r.failed];
  installed = JSON.parse(readFileSync(join(app, "node_modules", pkg.name, "package.json"), "utf8"));
  if (installed.version !== pkg.version) problems.push(`installed ${installed.version}, packed ${pkg.version}`);
  for (const dep of Object.keys(installed.dependencies ?? {})) {
    if (!existsSync(join(app, "node_modules", dep, "package.json"))) problems.push(`dependency ${dep} was not installed`);
  }
  const packages = installedPackages(join(app, "node_modules")).map(({ name, dir }) => ({
    name,
    manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")),
    bindingGyp: existsSync(join(dir, "binding.gyp")),
  }));
  problems.push(...checkInstalled(installed, packages));
  return problems;
});
if (!installed) finish();

/** Every package folder under a node_modules folder (scoped ones included), nested ones too. */
function installedPackages(modules) {
  const out = [];
  if (!existsSync(modules)) return out;
  for (const e of readdirSync(modules, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith(".")) continue;
    const dirs = e.name.startsWith("@") ? readdirSync(join(modules, e.name)).map((n) => [`${e.name}/${n}`, join(modules, e.name, n)]) : [[e.name, join(modules, e.name)]];
    for (const [name, dir] of dirs) {
      if (!existsSync(join(dir, "package.json"))) continue;
      out.push({ name, dir }, ...installedPackages(join(dir, "node_modules")));
    }
  }
  return out;
}

const installedDir = join(app, "node_modules", pkg.name);
const report = readFileSync(join(root, REPORT_PATH), "utf8");

await step(`declarations: the installed package's API is ${REPORT_PATH}`, () => {
  const got = apiReport(installedDir);
  if (got === report) return [];
  const a = got.split("\n");
  const b = report.split("\n");
  const i = a.findIndex((line, k) => line !== b[k]);
  return [`differs from line ${i + 1}: installed "${a[i]}", report "${b[i]}" (npm run api, then review)`];
});

const program = readFileSync(join(root, "test", "pack", "smoke.mjs"), "utf8");
const entryKeys = Object.keys(installed.exports);

await step("types: smoke.mjs and every entry point type-check as a consumer's code (NodeNext and bundler resolution)", () => {
  writeFileSync(join(app, "smoke.mjs"), program);
  const imports = entryKeys.map((key, i) => `import * as e${i} from "${entrySpecifier(pkg.name, key)}";`);
  writeFileSync(join(app, "entries.ts"), `${imports.join("\n")}\nexport { ${entryKeys.map((_, i) => `e${i}`).join(", ")} };\n`);
  const common = ["--noEmit", "--strict", "--allowJs", "--checkJs", "--target", "ES2022", "--lib", "ES2022,DOM", "--types", "", "smoke.mjs", "entries.ts"];
  const problems = [];
  for (const resolution of [["--module", "NodeNext", "--moduleResolution", "NodeNext"], ["--module", "preserve", "--moduleResolution", "bundler"]]) {
    const r = run(bin("tsc"), [...common, ...resolution], app);
    if (r.failed) problems.push(r.failed);
  }
  return problems;
});

const declared = apiValueNames(report);
/** One SMOKE run's problems, judged against the expected values and the report's value names. */
function judge(out, variant, prefix, packageDir) {
  const problems = [];
  const base = pathToFileURL(packageDir).href;
  for (const key of entryKeys) {
    const spec = entrySpecifier(prefix, key);
    const e = out.entries?.[spec];
    if (!e || e.error) {
      problems.push(`import "${spec}": ${e?.error ?? "not imported"}`);
      continue;
    }
    if (!e.url.startsWith(`${base}/`)) problems.push(`"${spec}" resolved to ${e.url}, outside ${base}`);
    const missing = [...(declared.get(entrySpecifier(pkg.name, key)) ?? [])].filter((n) => !e.names.includes(n));
    if (missing.length) problems.push(`"${spec}" lacks what its declarations export: ${missing.join(", ")}`);
  }
  const same = (name, got, want) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  same("sip", out.sip, EXPECTED_SIP);
  same("srtp", out.srtp, { srtp: EXPECTED_SRTP, roundTrip: true, refused: "SrtpAuthError AUTH_FAILED" });
  same("opus", out.opus, { packetBytes: true, samples: 960 });
  same("udp", out.udp, { runtime: variant.runtime, portBound: true, status: 200 });
  same("runtime", out.runtime, variant.runtime);
  return problems;
}

/** Runs smoke.mjs for `variant` in `cwd`; returns [problems, names per entry key]. */
function smoke(variant, cwd, prefix, packageDir) {
  const file = `smoke-${variant.runtime}-${variant.registry}.mjs`;
  writeFileSync(join(cwd, file), withPrefix(program, pkg.name, prefix));
  const specs = entryKeys.map((key) => entrySpecifier(prefix, key));
  // Deno asks read access for a dynamic import of a local file: JSR's files are remote when
  // published, local here. npm packages in node_modules need none.
  const read = variant.registry === "jsr" ? [`--allow-read=${packageDir}`] : [];
  const args = variant.runtime === "deno" ? ["run", "--allow-net=127.0.0.1", ...read, file, ...specs] : [file, ...specs];
  const r = run(RUNTIME_BIN[variant.runtime], args, cwd);
  const line = r.stdout?.split("\n").find((l) => l.startsWith("SMOKE "));
  if (!line) return [[r.failed ?? `no SMOKE line:\n${r.output.slice(-4000)}`], undefined];
  const out = JSON.parse(line.slice(6));
  const problems = judge(out, variant, prefix, packageDir);
  if (r.failed) problems.push(r.failed);
  const names = Object.fromEntries(entryKeys.map((key) => [key, out.entries[entrySpecifier(prefix, key)]?.names]));
  return [problems, names];
}

const namesBy = {};
for (const variant of VARIANTS.filter((v) => v.registry === "npm")) {
  const prefix = variant.prefix(pkg.name, deno.name);
  await step(`${variant.name}: import every entry point, SIP, SRTP, Opus, UDP`, () => {
    const [problems, names] = smoke(variant, app, prefix, installedDir);
    namesBy[variant.name] = names;
    return problems;
  });
}

const bins = typeof installed.bin === "string" ? { [installed.name]: installed.bin } : (installed.bin ?? {});
for (const name of Object.keys(bins)) {
  await step(`bin ${name} --help on Node, Bun and Deno`, () => {
    const shim = join(app, "node_modules", ".bin", name);
    const runs = [
      ["Node", shim, ["--help"]],
      ["Bun", RUNTIME_BIN.bun, [shim, "--help"]],
      // Deno runs a package's bin by the package's name (npm:siphon); others by their own.
      ["Deno", RUNTIME_BIN.deno, ["run", "-A", name === installed.name ? `npm:${name}` : `npm:${installed.name}/${name}`, "--help"]],
    ];
    const problems = [];
    for (const [runtime, cmd, args] of runs) {
      const r = run(cmd, args, app, { timeout: 60_000 });
      if (r.failed) problems.push(`${runtime}: ${r.failed}`);
      else if (r.output.trim() === "") problems.push(`${runtime}: --help printed nothing`);
    }
    return problems;
  });
}

let jsr;
await step("JSR: deno publish --dry-run (slow types, no --allow-slow-types, no network)", () => {
  const dirty = run("git", ["status", "--porcelain"], root, { env: process.env }).stdout.trim() !== "";
  // Uncommitted changes are a git matter, allowed while working; CI runs on a clean clone without it.
  jsr = jsrDryRun(root, { allowDirty: dirty && !process.env.CI });
  if (jsr.allowDirty) console.log("    note: uncommitted changes, so --allow-dirty (never under CI)");
  if (!jsr.offline) console.log("    note: no network namespace here, so the run could have reached the network");
  const problems = checkJsr(jsr, deno, generatedModules(root));
  if (problems.length) problems.push(jsr.output.slice(-4000));
  return problems;
});

const jsrVariant = VARIANTS.find((v) => v.registry === "jsr");
await step(`${jsrVariant.name}: the published files linked as jsr:${deno.name}: every entry point, SIP, SRTP, Opus, UDP`, () => {
  if (!jsr?.files.length) return ["no file list from deno publish --dry-run"];
  const pkgDir = join(tmp, "jsr", "package");
  const jsrApp = join(tmp, "jsr", "app");
  for (const path of jsr.files) cpSync(join(root, path), join(pkgDir, path));
  mkdirSync(jsrApp, { recursive: true });
  writeFileSync(join(jsrApp, "deno.json"), `${JSON.stringify({ links: ["../package"] }, null, 2)}\n`);
  const [problems, names] = smoke(jsrVariant, jsrApp, jsrVariant.prefix(pkg.name, deno.name), pkgDir);
  namesBy[jsrVariant.name] = names;
  return problems;
});

await step("every runtime and registry sees the same names at every entry point", () => {
  const problems = [];
  const runs = Object.entries(namesBy);
  if (runs.length === 0) return ["no runtime ran"];
  for (const key of entryKeys) {
    // Entries a runtime could not import are reported by its own step; compare the others.
    const seen = runs.filter(([, names]) => names?.[key]);
    const [first, ...rest] = seen;
    for (const [name, names] of rest) {
      const a = first[1][key];
      const b = names[key];
      const onlyA = a.filter((n) => !b.includes(n));
      const onlyB = b.filter((n) => !a.includes(n));
      if (onlyA.length || onlyB.length) problems.push(`"${key}": only on ${first[0]}: ${onlyA.join(", ")}; only on ${name}: ${onlyB.join(", ")}`);
    }
  }
  return problems;
});

finish();

function finish() {
  const failed = results.filter((r) => r.problems.length).length;
  if (packed) {
    const kB = (n) => `${(n / 1000).toFixed(0)} kB`;
    console.log(`tarball ${packed.filename}: ${kB(packed.size)} packed, ${kB(packed.unpackedSize)} unpacked, ${packed.entryCount} files`);
    // README states the size; a note (not a failure) when it has drifted by more than a tenth.
    const stated = Number(readFileSync(join(root, "README.md"), "utf8").match(/The npm tarball is (\d+) kB/)?.[1]);
    if (!(Math.abs(stated * 1000 - packed.size) <= packed.size / 10)) console.log(`note: README.md says ${stated} kB: update it`);
  }
  if (keep) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
  console.log(`pack: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
