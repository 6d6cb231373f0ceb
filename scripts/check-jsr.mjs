// The JSR side of publishing: `deno publish --dry-run` (type check, slow types, the files JSR would
// receive) with no --allow-slow-types or other escape, and without the network where the machine can
// cut it (a fresh network namespace: JSR is never asked). Then the file list is checked: every entry
// point of deno.json, the generated modules (git-ignored, brought in by deno.json "publish"), the
// license files, and nothing of the tests, benches or build.
//
//   node scripts/check-jsr.mjs     after `npm run build` (which writes the generated modules)
//
// Publishing for real: `npm run build && deno publish`. The generated modules are not committed: the
// build writes them from assembly/ and @evan/opus, and npm's prepack runs the same build, so both
// registries get the same Wasm bytes from one build.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const defaultRoot = join(fileURLToPath(new URL(".", import.meta.url)), "..");

/** Folders whose files never go to JSR. */
const NOT_PUBLISHED = /^(test|bench|assembly|scripts|examples|dist|build|node_modules|api)\//;

/** Whether a command can run without network: root on Linux can open a namespace with no interfaces. */
function canCutNetwork() {
  return spawnSync("unshare", ["-n", "--", "true"], { stdio: "ignore" }).status === 0;
}

/** The `*.generated.ts` modules under src/ and runtimes/ (written by the build). */
export function generatedModules(root = defaultRoot) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".generated.ts")) out.push(path);
    }
  };
  for (const dir of ["src", "runtimes"]) walk(dir);
  return out.sort();
}

/**
 * Runs `deno publish --dry-run` in `root`. `allowDirty` passes --allow-dirty (uncommitted changes:
 * a git check, not a package check); CI never does.
 */
export function jsrDryRun(root = defaultRoot, { allowDirty = false } = {}) {
  const deno = join(root, "node_modules", ".bin", "deno");
  const args = ["publish", "--dry-run", ...(allowDirty ? ["--allow-dirty"] : [])];
  const offline = canCutNetwork();
  const [cmd, argv] = offline ? ["unshare", ["-n", "--", deno, ...args]] : [deno, args];
  const r = spawnSync(cmd, argv, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const files = [];
  for (const m of output.matchAll(/^\s+file:\/\/(\S+) \([^)]*\)$/gm)) files.push(relative(root, decodeURIComponent(m[1])));
  return { status: r.status, output, files, offline, allowDirty };
}

/** Problems with a dry run's result: failures, warnings, and a file list that misses or leaks something. */
export function checkJsr(result, deno, generated) {
  const problems = [];
  if (result.status !== 0) problems.push(`deno publish --dry-run exited ${result.status}`);
  if (!/Checking for slow types in the public API/.test(result.output)) problems.push("the slow-type check did not run");
  for (const m of result.output.matchAll(/^(warning|error)(\[[\w-]+\])?: .*$/gm)) problems.push(m[0]);
  if (!/Success Dry run complete/.test(result.output)) problems.push("no 'Success Dry run complete'");
  // Without a file list (the run stopped before it) there is nothing more to judge.
  if (result.files.length === 0) return [...problems, "no file list: deno publish stopped before listing the files"];
  const files = new Set(result.files);
  for (const [key, target] of Object.entries(deno.exports ?? {})) {
    if (!files.has(target.replace(/^\.\//, ""))) problems.push(`exports["${key}"]: ${target} is not published`);
  }
  for (const path of generated) if (!files.has(path)) problems.push(`${path}: a generated module left out of the published graph`);
  for (const path of ["LICENSE", "THIRD_PARTY_NOTICES.md", "README.md", "deno.json"]) {
    if (!files.has(path)) problems.push(`${path}: not published`);
  }
  for (const path of files) if (NOT_PUBLISHED.test(path)) problems.push(`${path}: not part of the package`);
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dirty = spawnSync("git", ["status", "--porcelain"], { cwd: defaultRoot, encoding: "utf8" }).stdout.trim() !== "";
  const allowDirty = dirty && !process.env.CI;
  const result = jsrDryRun(defaultRoot, { allowDirty });
  const deno = JSON.parse(readFileSync(join(defaultRoot, "deno.json"), "utf8"));
  const problems = checkJsr(result, deno, generatedModules(defaultRoot));
  for (const p of problems) console.error(`check-jsr: ${p}`);
  if (problems.length) console.error(result.output);
  const how = `${result.offline ? "without network" : "with network (no namespace available)"}${allowDirty ? ", --allow-dirty (uncommitted changes)" : ""}`;
  console.log(`check-jsr: ${problems.length ? "FAILED" : "ok"}: ${result.files.length} files, ${how}`);
  process.exit(problems.length ? 1 : 0);
}
